package dev.powrace.cluster;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.apache.curator.framework.AuthInfo;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * A process's own ZooKeeper identity: a digest user with a random password that never leaves the process. The
 * znodes that speak for the process (its label, its members, its join markers and claims) give this identity every
 * permission and everyone else, or the cluster secret's holders, only READ: ZooKeeper itself refuses a change by
 * anyone else.
 */
final class Identity {
    private final String user;
    private final String password;
    /** The digest id, "user:base64(sha1(user:password))", as an ACL names it. */
    final String id;
    /** Whose READ the znodes give: everyone (an open cluster) or the secret's holders. */
    private final Id shared;

    private Identity(String user, String password, Id shared) throws ClusterException {
        this.user = user;
        this.password = password;
        this.shared = shared;
        try {
            this.id = DigestAuthenticationProvider.generateDigest(user + ":" + password);
        } catch (NoSuchAlgorithmException e) {
            throw new ClusterException("can't make a cluster identity: this Java has no " + e.getMessage());
        }
    }

    /** A new identity for one process: it lives and dies with the process. */
    static Identity create(String secret) throws ClusterException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return new Identity("process", Base64.getUrlEncoder().withoutPadding().encodeToString(random), shared(secret));
    }

    private static Id shared(String secret) throws ClusterException {
        return secret == null ? new Id("world", "anyone") : Clients.acl(secret).get(0).getId();
    }

    AuthInfo auth() {
        return new AuthInfo("digest", (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The ACL of a znode only this process may change or delete children of. */
    List<ACL> own() {
        // not List.of: ZooKeeper asks the list whether it contains null, which List.of answers with an exception
        return java.util.Arrays.asList(new ACL(Perms.ALL, new Id("digest", id)), new ACL(Perms.READ, shared));
    }

    /**
     * The ACL of a race's {@code joined} and {@code claims} folders: anyone of the cluster may add a child, only the
     * process that opened the race may remove one (ZooKeeper gives the right to delete a znode to whoever may delete
     * in its folder): so nobody can take another node's join marker or claim out of a race.
     */
    List<ACL> raceFolder() {
        return java.util.Arrays.asList(new ACL(Perms.ALL, new Id("digest", id)),
                new ACL(Perms.READ | Perms.CREATE, shared));
    }

    /** The ACL of /powrace/labels: anyone of the cluster may add a label, nobody may change or remove one. */
    List<ACL> labelsFolder() {
        return java.util.Arrays.asList(new ACL(Perms.READ | Perms.CREATE, shared));
    }

    /**
     * True if an ACL is shaped as an "own" one: one digest id with every permission, and READ alone for the others.
     * (ZooKeeper shows a digest's hash only to whoever may administer the znode, so whose it is can't be read: the
     * proof of who wrote a znode is the session that made it, see {@link Judge}.)
     */
    static boolean own(List<ACL> acl) {
        if (acl == null || acl.size() != 2) {
            return false;
        }
        int owners = 0;
        int readers = 0;
        for (ACL a : acl) {
            if (a.getPerms() == Perms.ALL && a.getId().getScheme().equals("digest")) {
                owners++;
            } else if (a.getPerms() == Perms.READ) {
                readers++;
            }
        }
        return owners == 1 && readers == 1;
    }
}
