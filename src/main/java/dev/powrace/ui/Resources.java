package dev.powrace.ui;

import java.net.URL;

/** The app's packaged files (from assets/), failing fast with the path if one is missing. */
final class Resources {
    private Resources() {}

    static String url(String name) {
        URL url = Resources.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing resource dev/powrace/ui/" + name
                    + " (it is copied from assets/ by the build)");
        }
        return url.toExternalForm();
    }
}
