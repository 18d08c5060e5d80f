package org.onecnn.cli;

import org.onecnn.backend.ComputeProfile;
import org.onecnn.util.InvalidInputException;

import picocli.CommandLine.Option;

/**
 * {@code --profile NAME|FILE}, for every command that uses the finite-sample engine: add
 * {@code @Mixin ProfileOption profile;} and call {@link #load()}, then
 * {@code BackendCheck.requireTrainable(profile, new SystemDeviceProbe().probe())} before anything touches
 * ND4J, then {@code Nd4jSetup.apply}.
 */
final class ProfileOption {
    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = ComputeProfile.DEFAULT,
            completionCandidates = Shipped.class,
            description = "Compute profile: ${COMPLETION-CANDIDATES} (cuda-profiles/NAME.properties) "
                + "or the path of a profile file (default: ${DEFAULT-VALUE}).")
    String profile = ComputeProfile.DEFAULT;

    /**
     * The selected profile. Its errors name the option, then the file and the key where there is one
     * ({@code --profile: /path/cuda-ada.properties: memory_limit_gb: ...}).
     */
    ComputeProfile load() {
        return load(profile);
    }

    /** The profile {@code nameOrPath}, errors named as {@link #load()} names them. */
    static ComputeProfile load(String nameOrPath) {
        try {
            return ComputeProfile.load(nameOrPath);
        } catch (InvalidInputException e) {
            String m = e.getMessage();
            throw new InvalidInputException(FIELD, e.field().equals("profile") ? m.substring("profile: ".length())
                    : m);
        }
    }

    /** The shipped profiles ({@link ComputeProfile#SHIPPED}), which {@code --help} lists for {@code --profile}. */
    static final class Shipped implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ComputeProfile.SHIPPED.iterator();
        }
    }

    /** The option, as error lines name it. */
    static final String FIELD = "--profile";
}
