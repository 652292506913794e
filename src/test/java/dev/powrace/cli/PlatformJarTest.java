package dev.powrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The app opened from another platform's jar says which jar it needs (issue 17); .ci/run tries the real jars. */
class PlatformJarTest {
    @Test
    void thisMachineIsNamedAsTheJarsAre() {
        assertEquals("linux-x64", PlatformJar.thisMachine("Linux", "amd64"));
        assertEquals("linux-aarch64", PlatformJar.thisMachine("Linux", "aarch64"));
        assertEquals("win-x64", PlatformJar.thisMachine("Windows 11", "amd64"));
        assertEquals("mac-x64", PlatformJar.thisMachine("Mac OS X", "x86_64"));
        assertEquals("mac-aarch64", PlatformJar.thisMachine("Mac OS X", "aarch64"));
        assertNull(PlatformJar.thisMachine("Windows 11", "aarch64"), "no jar has Windows on ARM's natives");
        assertNull(PlatformJar.thisMachine("Linux", "arm"));
        assertNull(PlatformJar.thisMachine("FreeBSD", "amd64"));
    }

    @Test
    void onlyAnotherPlatformsJarIsRefused() {
        assertNull(PlatformJar.mismatch(null, "linux-x64"), "powrace.jar names no platform");
        assertNull(PlatformJar.mismatch("linux-x64", "linux-x64"));
        assertNull(PlatformJar.mismatch("mac-aarch64", "mac-aarch64"));
        String line = PlatformJar.mismatch("win-x64", "linux-x64");
        assertEquals("this is the jar for Windows x64 (powrace-win-x64.jar), so it can't open the window here: on "
                + "Linux x64 the window needs powrace-linux-x64.jar. Every command (serve, send, verify, ...) runs "
                + "from any of the jars.", line);
        assertTrue(PlatformJar.mismatch("linux-x64", "linux-aarch64").contains("needs powrace-linux-aarch64.jar"));
        String unknown = PlatformJar.mismatch("win-x64", null);
        assertTrue(unknown.contains("none of powrace's jars has JavaFX for"), unknown);
        assertTrue(!unknown.contains("\n") && !line.contains("\n"), "one line");
    }

    @Test
    void classesOutsideAJarNameNoPlatform() {
        assertNull(PlatformJar.jarPlatform(), "the tests run from target/classes");
    }
}
