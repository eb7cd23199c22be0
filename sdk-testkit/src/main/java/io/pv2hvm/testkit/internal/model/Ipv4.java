package io.pv2hvm.testkit.internal.model;

/** Dotted-quad IPv4 addresses as unsigned 32-bit values. */
public final class Ipv4 {

    private Ipv4() {
    }

    /** Parses {@code a.b.c.d}; throws InvalidParameterValue on anything else. */
    public static long parse(String s) {
        String[] p = s == null ? new String[0] : s.split("\\.");
        if (p.length != 4) {
            throw Ec2Exception.invalidParameterValue("Invalid IPv4 address: " + s);
        }
        long v = 0;
        for (String part : p) {
            int o;
            try {
                o = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw Ec2Exception.invalidParameterValue("Invalid IPv4 address: " + s);
            }
            if (o < 0 || o > 255) {
                throw Ec2Exception.invalidParameterValue("Invalid IPv4 address: " + s);
            }
            v = (v << 8) | o;
        }
        return v;
    }

    public static String format(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
