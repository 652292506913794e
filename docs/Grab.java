import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Grabs the X screen (DISPLAY) as fast as it can, up to FPS frames a second, until the file STOP exists (or 60 s
 * pass), for docs/pictures.sh's race GIF: ImageMagick's import takes a second a frame on a busy 2-core machine,
 * AWT's Robot a few tens of milliseconds. Frames are kept in memory and written once grabbing stops, as
 * DIR/f000.bmp, ..., with DIR/delays listing each frame's delay in hundredths of a second. DIR/ready appears when
 * the first frame is about to be grabbed.
 * Usage: java docs/Grab.java DIR STOP FPS
 */
public class Grab {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path stop = Path.of(args[1]);
        long period = 1_000_000_000L / Integer.parseInt(args[2]);
        Files.createDirectories(dir);
        Robot robot = new Robot();
        Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
        List<BufferedImage> frames = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long start = System.nanoTime();
        Files.writeString(dir.resolve("ready"), "grabbing\n"); // for the script: press Return now
        while (!Files.exists(stop) && System.nanoTime() - start < 60_000_000_000L) {
            long t = System.nanoTime();
            frames.add(robot.createScreenCapture(screen));
            times.add(t);
            long next = t + period - System.nanoTime();
            if (next > 0) {
                Thread.sleep(next / 1_000_000, (int) (next % 1_000_000));
            }
        }
        times.add(System.nanoTime());
        try (PrintWriter delays = new PrintWriter(dir.resolve("delays").toFile())) {
            for (int i = 0; i < frames.size(); i++) {
                File f = dir.resolve(String.format("f%03d.bmp", i)).toFile();
                ImageIO.write(frames.get(i), "bmp", f);
                delays.println(f + " " + Math.max(2, (times.get(i + 1) - times.get(i)) / 10_000_000));
            }
        }
    }
}
