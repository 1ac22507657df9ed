package org.cloudir.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cloudir.local.LocalAws;
import org.junit.jupiter.api.Test;

/** Smoke test of the benchmark's call counting: every client of the JVM reports its calls. */
class CallCounterTest {

    @Test
    void countsCallsOfClientsBuiltWithoutIt() {
        String endpoint = System.getProperty("ir.endpoint", "");
        assumeTrue(!endpoint.isBlank(), "needs the emulator: run scripts/test");
        try (LocalAws aws = new LocalAws(endpoint)) {
            CallCounter.unmute();
            CallCounter.reset();

            aws.ec2.describeVpcs();
            aws.ec2.describeVpcs();
            CallCounter.mute();
            aws.ec2.describeVpcs();

            assertThat(CallCounter.snapshot()).containsEntry("Ec2:DescribeVpcs", 2);
        } finally {
            CallCounter.unmute();
        }
    }
}
