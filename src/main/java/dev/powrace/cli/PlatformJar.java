package dev.powrace.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The platform jars ({@code mvn -Pplatforms package}: powrace-win-x64.jar and the others, docs/packaging.md) each
 * carry one platform's JavaFX natives and name it in their manifest ({@code Powrace-Platform: win-x64}). Every
 * command runs from any of them; the window only from the one for this machine. Opened from another, JavaFX
 * would fail with a stack trace, so the app says first, in one line, which jar it needs. No JavaFX is loaded here.
 */
final class PlatformJar {
    static final String ATTRIBUTE = "Powrace-Platform";
    /** The platforms there is a jar for: the profile platforms in pom.xml. */
    static final Set<String> PLATFORMS = Set.of("linux-x64", "linux-aarch64", "win-x64", "mac-x64", "mac-aarch64");

    private PlatformJar() {
    }

    /** Why the window can't open from the jar powrace runs from, in one line; null if it can (or is no platform jar). */
    static String mismatch() {
        return mismatch(jarPlatform(), thisMachine(System.getProperty("os.name", ""), System.getProperty("os.arch", "")));
    }

    /**
     * Why a jar for {@code jar} can't open the window on {@code machine} (both as {@code win-x64}, or null when
     * unknown), in one line; null if it can, or if the jar names no platform (powrace.jar, {@code mvn javafx:run}).
     */
    static String mismatch(String jar, String machine) {
        if (jar == null || jar.equals(machine)) {
            return null;
        }
        String needs = machine == null
                ? "none of powrace's jars has JavaFX for " + System.getProperty("os.name") + " on "
                        + System.getProperty("os.arch") + " (docs/packaging.md)"
                : "on " + describe(machine) + " the window needs powrace-" + machine + ".jar";
        return "this is the jar for " + describe(jar) + " (powrace-" + jar + ".jar), so it can't open the window here: "
                + needs + ". Every command (serve, send, verify, ...) runs from any of the jars.";
    }

    /** This machine as the platform jars name theirs ({@code linux-x64}, {@code mac-aarch64}, ...); null: no jar's. */
    static String thisMachine(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String system = os.startsWith("windows") ? "win"
                : os.startsWith("mac") || os.startsWith("darwin") ? "mac"
                : os.startsWith("linux") ? "linux" : null;
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x64" -> "x64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        String platform = system + "-" + arch;
        return PLATFORMS.contains(platform) ? platform : null;
    }

    /** {@code win-x64} as "Windows x64", and so on. */
    static String describe(String platform) {
        int dash = platform.indexOf('-');
        String system = dash < 0 ? platform : platform.substring(0, dash);
        String arch = dash < 0 ? "" : " " + platform.substring(dash + 1);
        return switch (system) {
            case "win" -> "Windows";
            case "mac" -> "macOS";
            case "linux" -> "Linux";
            default -> system;
        } + arch;
    }

    /** The platform the jar holding this class names in its manifest; null when it names none or is no jar. */
    static String jarPlatform() {
        try {
            var source = PlatformJar.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return null; // target/classes: tests, mvn javafx:run
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                var manifest = file.getManifest();
                return manifest == null ? null : manifest.getMainAttributes().getValue(ATTRIBUTE);
            }
        } catch (IOException | RuntimeException | URISyntaxException e) {
            return null; // unreadable: let JavaFX try
        }
    }
}
