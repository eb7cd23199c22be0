package io.pv2hvm.testkit.internal.model;

/**
 * A state or status EC2 names by a string on the wire. The model's enums implement it and
 * return that string from {@code toString()} too, so messages and XML read as EC2's.
 */
public interface WireValue {

    /** The name on the wire, e.g. {@code in-use}. */
    String wire();

    /** The constant of {@code type} whose wire name is {@code wire}. */
    static <E extends Enum<E> & WireValue> E fromWire(Class<E> type, String wire) {
        for (E e : type.getEnumConstants()) {
            if (e.wire().equals(wire)) {
                return e;
            }
        }
        throw new IllegalStateException(wire);
    }
}
