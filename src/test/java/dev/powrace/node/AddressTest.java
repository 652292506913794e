package dev.powrace.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where something listens, written one way everywhere (issue 17: the window said "127.0.0.1 : 5000"). */
class AddressTest {
    @Test
    void anAddressAndItsPortAreJoinedByAColonAndIpv6GetsBrackets() {
        assertEquals("127.0.0.1:5000", Address.of("127.0.0.1", 5000));
        assertEquals("0.0.0.0:7300", Address.of("0.0.0.0", 7300));
        assertEquals("localhost:5001", Address.of("localhost", 5001));
        assertEquals("[::1]:5000", Address.of("::1", 5000));
        assertEquals("[::]:5002", Address.of("[::]", 5002));
    }
}
