/*
 * When a window is on the screen: waits for the X server to map a top-level window ("map"), then for that window's
 * first frame with something drawn in it ("paint": the X DAMAGE extension reports each drawing, and the frame counts
 * once its pixels are not all one colour; WINDOW_SHOT=FILE.ppm saves that frame as it was checked). Prints
 * "watching" once it listens, then "map MS" and "paint MS", the wall clock in ms since the epoch when each event
 * came, and ends. No polling: it sleeps in XNextEvent. Built by bench/window-vs-minimal.sh with cc, libX11 and
 * libXdamage.so.1 (the few Xdamage declarations are here: Debian ships the library without its header).
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef XID Damage;
typedef struct {
    int type; unsigned long serial; Bool send_event; Display *display; Drawable drawable; Damage damage;
    int level; Bool more; Time timestamp; XRectangle area; XRectangle geometry;
} XDamageNotifyEvent;
#define XDamageNotify 0
#define XDamageReportNonEmpty 3
Bool XDamageQueryExtension(Display *, int *, int *);
Damage XDamageCreate(Display *, Drawable, int);
void XDamageSubtract(Display *, Damage, XID, XID);

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The frame as checked, as a PPM image, if WINDOW_SHOT names a file. */
static void save(XImage *img, int width, int height) {
    const char *path = getenv("WINDOW_SHOT");
    FILE *f = path ? fopen(path, "wb") : NULL;
    if (!f) return;
    fprintf(f, "P6\n%d %d\n255\n", width, height);
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++) {
            unsigned long p = XGetPixel(img, x, y);
            unsigned char rgb[3] = {(p & img->red_mask) >> 16, (p & img->green_mask) >> 8, p & img->blue_mask};
            fwrite(rgb, 1, 3, f);
        }
    fclose(f);
}

/* True if the window's pixels are not all one colour (then saved, see save). */
static int drawn(Display *d, Window w) {
    XWindowAttributes a;
    if (!XGetWindowAttributes(d, w, &a) || a.map_state != IsViewable) return 0;
    XImage *img = XGetImage(d, w, 0, 0, a.width, a.height, AllPlanes, ZPixmap);
    if (!img) return 0;
    unsigned long first = XGetPixel(img, 0, 0);
    int other = 0;
    for (int y = 0; y < a.height && !other; y += 2)
        for (int x = 0; x < a.width; x += 2)
            if (XGetPixel(img, x, y) != first) { other = 1; break; }
    if (other) save(img, a.width, a.height);
    XDestroyImage(img);
    return other;
}

int main(void) {
    Display *d = XOpenDisplay(NULL);
    if (!d) { fprintf(stderr, "window-watch: no display\n"); return 1; }
    int damage_event, damage_error;
    if (!XDamageQueryExtension(d, &damage_event, &damage_error)) { fprintf(stderr, "window-watch: no DAMAGE\n"); return 1; }
    Window root = DefaultRootWindow(d), w = None;
    XSelectInput(d, root, SubstructureNotifyMask);
    XSync(d, False);
    printf("watching\n");
    fflush(stdout);
    long long at;
    for (;;) {
        XEvent e;
        XNextEvent(d, &e);
        at = now_ms(); /* the time the event came, not the time its check took */
        if (w == None && e.type == MapNotify && e.xmap.event == root && !e.xmap.override_redirect) {
            w = e.xmap.window;
            printf("map %lld\n", at);
            fflush(stdout);
            XDamageCreate(d, w, XDamageReportNonEmpty);
            XSync(d, False);
            if (drawn(d, w)) break;
        } else if (w != None && e.type == damage_event + XDamageNotify) {
            XDamageSubtract(d, ((XDamageNotifyEvent *) &e)->damage, None, None);
            if (drawn(d, w)) break;
        }
    }
    printf("paint %lld\n", at);
    fflush(stdout);
    XCloseDisplay(d);
    return 0;
}
