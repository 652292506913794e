package dev.powrace.pow;

/** Makes an engine for each search. */
public interface EngineFactory {
    Engine create(String transaction, int difficulty);

    /** The engine's short name, such as "digest". */
    String name();

    /** The portable MessageDigest engine. */
    static EngineFactory digest() {
        return new EngineFactory() {
            @Override
            public Engine create(String transaction, int difficulty) {
                return new DigestEngine(transaction, difficulty);
            }

            @Override
            public String name() {
                return "digest";
            }
        };
    }
}
