package dev.powrace.pow;

import java.lang.reflect.Constructor;
import java.util.Optional;

/** Makes an engine for each search. */
public interface EngineFactory {
    Engine create(String transaction, int difficulty);

    /** The engine's short name, such as "digest" or "simd16". */
    String name();

    /** The portable MessageDigest engine (SHA-NI through the JDK's intrinsic). */
    static EngineFactory digest() {
        return Engines.DIGEST;
    }

    /** The Vector API engine, if the jdk.incubator.vector module is present; otherwise empty. */
    static Optional<EngineFactory> simd() {
        return Optional.ofNullable(Engines.SIMD);
    }

    /**
     * The fastest engine here, by measurement: a new {@link AutoEngine} over every engine this runtime has. Until
     * it is calibrated it guesses: SIMD when the Vector API is present with at least 8 int lanes (AVX2, AVX-512),
     * else MessageDigest.
     */
    static AutoEngine auto() {
        // the engines are listed when calibration starts: shani's probe costs a few tens of ms at start-up
        return new AutoEngine(EngineFactory::available, Engines.SIMD != null && Engines.simdLanes() >= 8
                ? Engines.SIMD : Engines.DIGEST);
    }

    /** Every engine this runtime has: shani, simd, digest, those present. */
    static java.util.List<EngineFactory> available() {
        java.util.List<EngineFactory> all = new java.util.ArrayList<>();
        shani().ifPresent(all::add);
        simd().ifPresent(all::add);
        all.add(Engines.DIGEST);
        return all;
    }

    /**
     * The lean SHA-NI engine, which calls the JDK's SHA-256 compression intrinsic directly, if this JVM lets it
     * (it needs {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}); otherwise empty.
     */
    static Optional<EngineFactory> shani() {
        return Optional.ofNullable(Engines.Shani.FACTORY);
    }

    /** Why the SHA-NI engine is missing, if it is. */
    static Optional<String> shaniUnavailableReason() {
        return Optional.ofNullable(ShaNiEngine.PROBE.unavailable());
    }

    /** Why the SIMD engine is missing, if it is. */
    static Optional<String> simdUnavailableReason() {
        return Optional.ofNullable(Engines.UNAVAILABLE);
    }
}

/** The engines this runtime has. */
final class Engines {
    static final EngineFactory DIGEST = new Named("digest") {
        @Override
        public Engine create(String transaction, int difficulty) {
            return new DigestEngine(transaction, difficulty);
        }
    };
    /**
     * A holder, so that the probe (some 30 ms in a cold JVM: method handles, a test hash) runs when the shani
     * engine is first asked for, not whenever an engine is.
     */
    static final class Shani {
        static final EngineFactory FACTORY = !ShaNiEngine.PROBE.available() ? null : new Named("shani") {
            @Override
            public Engine create(String transaction, int difficulty) {
                return new ShaNiEngine(transaction, difficulty);
            }
        };

        private Shani() {}
    }

    static final String UNAVAILABLE;
    static final EngineFactory SIMD;

    static {
        String why = null;
        EngineFactory simd = null;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            why = "the jdk.incubator.vector module is not loaded (start Java with --add-modules jdk.incubator.vector)";
        } else {
            try {
                // By name, so that this class loads even where the Vector API is missing.
                Class<?> type = Class.forName("dev.powrace.pow.SimdEngine");
                Constructor<?> make = type.getDeclaredConstructor(String.class, int.class);
                int lanes = type.getDeclaredField("LANES").getInt(null);
                simd = new Named("simd" + lanes) {
                    @Override
                    public Engine create(String transaction, int difficulty) {
                        try {
                            return (Engine) make.newInstance(transaction, difficulty);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
            } catch (ReflectiveOperationException | LinkageError e) {
                why = "the Vector API could not be used: " + e;
            }
        }
        UNAVAILABLE = why;
        SIMD = simd;
    }

    private Engines() {}

    static int simdLanes() {
        return SIMD == null ? 0 : Integer.parseInt(SIMD.name().substring(4));
    }

    private abstract static class Named implements EngineFactory {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
