package dev.powrace.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.powrace.testing.Events;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AnnouncerTest {
    @Test
    void aListenerBlockedPastTheBoundLosesLaterEventsCountedAndIsToldHowMany() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Events events = new Events();
        RaceListener blocked = new RaceListener() {
            @Override
            public void problem(String message) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Announcer announcer = new Announcer(List.of(blocked, events), 4, 1_000);
        try {
            announcer.publish(l -> l.problem("first"), 0);
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 10; i++) { // 4 fit in the queue, 6 do not
                int n = i;
                announcer.publish(l -> l.problem("event " + n), 1);
            }
            assertEquals(6, announcer.dropped());
            release.countDown();
            assertTrue(announcer.sync(30, TimeUnit.SECONDS));
            assertEquals(List.of("first", "event 0", "event 1", "event 2", "event 3"), events.problems.subList(0, 5));
            assertEquals(6, events.problems.size(), events.problems.toString());
            assertTrue(events.problems.get(5).startsWith("6 events were not shown"), events.problems.get(5));
        } finally {
            release.countDown();
            announcer.close(1, TimeUnit.SECONDS);
        }
    }

    @Test
    void theTextBudgetBoundsTheQueueToo() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RaceListener blocked = new RaceListener() {
            @Override
            public void problem(String message) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Announcer announcer = new Announcer(List.of(blocked), 1000, 100);
        try {
            announcer.publish(l -> l.problem("first"), 0);
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 5; i++) {
                announcer.publish(l -> l.problem("big"), 40); // 40 + 40 fit in 100 characters, then no more
            }
            assertEquals(3, announcer.dropped());
        } finally {
            release.countDown();
            announcer.close(1, TimeUnit.SECONDS);
        }
    }
}
