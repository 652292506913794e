package dev.powrace.cluster;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The one place where a Curator client is made, for the referee and for the commands' view, and where the cluster
 * secret is applied. With a secret the client authenticates as the digest identity {@code powrace:<secret>} and every
 * znode it creates, parents made by {@code creatingParentsIfNeeded()} included, gets an ACL that gives that identity
 * everything and nobody else anything.
 */
final class Clients {
    /** The digest user name; the secret is its password. */
    static final String USER = "powrace";

    private Clients() {}

    /**
     * A builder with the connect string and, given a secret, its authorization and ACLs.
     *
     * @param secret null for none: znodes are created open (ZooKeeper's world:anyone), as before
     */
    static CuratorFrameworkFactory.Builder builder(String connect, String secret) throws ClusterException {
        return builder(connect, secret, null);
    }

    /**
     * As {@link #builder(String, String)}, for a member process: it also authenticates as its own identity, which
     * the znodes only it may change are given (see {@link Identity}).
     */
    static CuratorFrameworkFactory.Builder builder(String connect, String secret, Identity self)
            throws ClusterException {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder().connectString(connect);
        List<org.apache.curator.framework.AuthInfo> auth = new java.util.ArrayList<>();
        if (secret != null) {
            auth.add(new org.apache.curator.framework.AuthInfo("digest",
                    (USER + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        if (self != null) {
            auth.add(self.auth());
        }
        if (!auth.isEmpty()) {
            b.authorization(auth);
        }
        if (secret != null) {
            List<ACL> acl = acl(secret);
            b.aclProvider(new ACLProvider() {
                        @Override
                        public List<ACL> getDefaultAcl() {
                            return acl;
                        }

                        @Override
                        public List<ACL> getAclForPath(String path) {
                            return acl;
                        }
                    });
        }
        return b;
    }

    /** All permissions for {@code powrace:<secret>}, none for anyone else. */
    static List<ACL> acl(String secret) throws ClusterException {
        if (secret == null || secret.isEmpty()) {
            throw new ClusterException("the cluster secret is empty");
        }
        try {
            String digest = DigestAuthenticationProvider.generateDigest(USER + ":" + secret);
            // not List.of: ZooKeeper asks the list whether it contains null, which List.of answers with an exception
            return Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)));
        } catch (NoSuchAlgorithmException e) {
            throw new ClusterException("can't use a cluster secret: this Java has no " + e.getMessage());
        }
    }

    /**
     * With a secret, refuses a cluster whose root znode is open to anyone (made by a process without the secret):
     * what this process created there would be closed to the others, and what they created would stay open. A
     * missing root is fine (the secret's ACL goes on it when it is made).
     *
     * @throws ClusterException one line: the cluster is open, or refuses this secret
     */
    static void checkRoot(CuratorFramework zk, String connect, String secret) throws Exception {
        if (secret == null) {
            return;
        }
        List<ACL> acl;
        try {
            acl = zk.getACL().forPath(ClusterReferee.ROOT);
        } catch (KeeperException.NoNodeException none) {
            return;
        } catch (KeeperException.NoAuthException e) {
            throw refused(connect);
        }
        if (acl.stream().anyMatch(a -> a.getId().getScheme().equals("world"))) {
            throw new ClusterException("the cluster at " + connect + " was made without a cluster secret: its znodes "
                    + "are open to anyone; use it without a secret, or start a new ensemble with one");
        }
    }

    /** True if {@code e}, or one of its causes, is ZooKeeper's refusal for want of the right credentials. */
    static boolean refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KeeperException.NoAuthException) {
                return true;
            }
        }
        return false;
    }

    /** The one line for a cluster that refuses this client's secret, or its lack of one. */
    static ClusterException refused(String connect) {
        return new ClusterException("the cluster at " + connect + " refuses access: wrong or missing cluster secret "
                + "(--cluster-secret-file, POWRACE_CLUSTER_SECRET or --cluster-secret)");
    }
}
