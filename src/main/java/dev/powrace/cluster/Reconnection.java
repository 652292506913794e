package dev.powrace.cluster;

import dev.powrace.race.Referee.Member;
import java.util.List;
import java.util.function.Supplier;
import org.apache.curator.framework.state.ConnectionState;

/** What a process does when its connection to ZooKeeper comes and goes. */
final class Reconnection {
    private final Session s;
    private final Supplier<List<Member>> members;
    private final PeerRates rates;
    private final Joiner joiner;
    private final Mirror mirror;
    private final Feed feed;
    private final Judge judge;
    private final Claims claims;

    Reconnection(Session s, Supplier<List<Member>> members, PeerRates rates, Joiner joiner, Mirror mirror, Feed feed,
            Judge judge, Claims claims) {
        this.s = s;
        this.members = members;
        this.rates = rates;
        this.joiner = joiner;
        this.mirror = mirror;
        this.feed = feed;
        this.judge = judge;
        this.claims = claims;
    }

    /**
     * On Curator's event thread. SUSPENDED or LOST: new transactions are refused at once ("ERR cluster
     * unavailable") and everyone is told. RECONNECTED: told too, and everything is read again on the cluster
     * thread: the ledger, the submissions, the open races, and this process's label and members, created
     * again if a new session lost them.
     */
    void changed(ConnectionState state) {
        if (s.closed) {
            return;
        }
        switch (state) {
            case SUSPENDED, LOST -> {
                if (s.connected) {
                    s.connected = false;
                    s.problem("cluster unavailable: lost the connection to ZooKeeper at " + s.connect
                            + "; new transactions are refused until it is back");
                }
            }
            case RECONNECTED, CONNECTED -> {
                if (!s.connected) {
                    s.connected = true;
                    s.problem("cluster: connected to ZooKeeper at " + s.connect + " again");
                    s.execute(this::resume);
                }
            }
            default -> { }
        }
    }

    /** On the cluster thread, after a reconnection: re-registers what a new session lost and re-reads. */
    private void resume() throws Exception {
        if (!s.ensureEphemeral(Schema.LABELS + "/" + s.label, s.token, s.self.own(), true)) {
            s.evicted = true;
            s.problem("cluster unavailable: the label '" + s.label + "' was taken by another process while this one was "
                    + "cut off; its nodes refuse transactions: stop this process and start it with another --label");
        } else {
            for (Member m : members.get()) {
                s.ensureEphemeral(Schema.MEMBERS + "/" + s.label + "/" + Schema.marker(m.name()), rates.memberJson(m),
                        s.self.own(), false);
            }
        }
        joiner.rejoin();
        mirror.watch();
        feed.watch();
        for (ClusterRace r : judge.races.values()) {
            if (r.local && !r.decision.isDone()) {
                judge.judge(r);
            }
        }
        claims.sendUnsent();
    }
}
