package org.onecnn.cli;

import org.onecnn.backend.ComputeProfile;

import picocli.CommandLine.Option;

/**
 * {@code --profile NAME|FILE}, for every command that uses the finite-sample engine: add
 * {@code @Mixin ProfileOption profile;} and call {@link #load()}, then
 * {@code BackendCheck.requireTrainable(profile, new SystemDeviceProbe().probe())} before anything touches
 * ND4J, then {@code Nd4jSetup.apply}.
 */
final class ProfileOption {
    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = ComputeProfile.DEFAULT,
            description = "Compute profile: cpu, cuda-ampere, cuda-ada, cuda-small (cuda-profiles/NAME.properties) "
                + "or the path of a profile file (default: ${DEFAULT-VALUE}).")
    String profile = ComputeProfile.DEFAULT;

    /** The selected profile. */
    ComputeProfile load() {
        return ComputeProfile.load(profile);
    }
}
