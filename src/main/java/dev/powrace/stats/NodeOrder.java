package dev.powrace.stats;

import java.util.Comparator;

/**
 * Node names in the order people number them: "Node2" before "Node10", and in a cluster by label first
 * ("a/Node2" before "a/Node10" before "b/Node1"). Any trailing number is compared as a number.
 */
public final class NodeOrder implements Comparator<String> {
    public static final NodeOrder INSTANCE = new NodeOrder();

    private NodeOrder() {}

    @Override
    public int compare(String a, String b) {
        int ia = digitsFrom(a);
        int ib = digitsFrom(b);
        int c = a.substring(0, ia).compareTo(b.substring(0, ib));
        if (c != 0) {
            return c;
        }
        String na = a.substring(ia);
        String nb = b.substring(ib);
        if (na.length() != nb.length()) { // no leading zeros in node numbers: the shorter is smaller
            return Integer.compare(na.length(), nb.length());
        }
        return na.compareTo(nb);
    }

    /** Where the trailing digits of {@code s} begin (its length if there are none). */
    private static int digitsFrom(String s) {
        int i = s.length();
        while (i > 0 && Character.isDigit(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }
}
