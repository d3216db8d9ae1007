package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void freePortsAreNotHandedOutTwiceInAMinute() throws IOException {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            assertThat(seen.add(LaunchedEngine.freePort("127.0.0.1"))).isTrue();
        }
    }

    @Test
    void aBoundPortIsNotFree() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(LaunchedEngine.portFree("127.0.0.1", s.getLocalPort())).isFalse();
        }
        int p = LaunchedEngine.freePort("127.0.0.1");
        assertThat(LaunchedEngine.portFree("127.0.0.1", p)).isTrue();
    }
}
