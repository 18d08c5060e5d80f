package org.onecnn.util;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A constant with a name in configs and output ({@link #key()}, such as {@code full-batch} or {@code wn-gd}): the
 * enums that stand for regimes, algorithms, engines, teacher families and initialization schemes, each defined
 * once. {@link #find} and {@link #parse} are the one lookup by name they share.
 */
public interface Keyed {
    /** The name in configs and output. */
    String key();

    /** The constant of {@code type} whose key is {@code name} (exactly), or null. */
    static <E extends Enum<E> & Keyed> E find(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.key().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The constant of {@code type} whose key is {@code name}.
     *
     * @param field the parameter named in the message ({@code family}, {@code scheme}, ...)
     * @param what  what the constants are, for the message ({@code teacher family})
     * @throws InvalidInputException naming {@code field} and listing the keys when there is none
     */
    static <E extends Enum<E> & Keyed> E parse(Class<E> type, String field, String what, String name) {
        E e = find(type, name);
        if (e == null) {
            throw new InvalidInputException(field, "unknown " + what + " '" + name + "'; allowed: " + keys(type));
        }
        return e;
    }

    /** The keys of {@code type}, sorted, comma-separated. */
    static <E extends Enum<E> & Keyed> String keys(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Keyed::key).sorted().collect(Collectors.joining(", "));
    }
}
