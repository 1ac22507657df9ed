package org.cloudir.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Outcome;
import org.cloudir.core.triage.Triage;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.cloudir.local.Check;
import org.cloudir.local.EmulatorChecks;
import org.cloudir.local.LocalAws;
import org.cloudir.local.SampleEvents;
import org.cloudir.local.Victim;
import org.cloudir.local.VictimSeeder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * Counts isolate-instance's EC2 calls against the real emulator: each resource is read once
 * to plan and once to verify (both responder groups in one call each time), while the
 * isolation itself is still re-read from the emulator by this test's own client.
 */
class IsolationCallsTest {

    @Test
    void readsEachResourceOnceToPlanAndOnceToVerifyInANewVpc() {
        try (LocalAws aws = emulator()) {
            String name = "calls-" + System.nanoTime();
            Victim victim = new VictimSeeder(aws, name).ensure(name + "-user");
            Map<String, Integer> calls = new ConcurrentHashMap<>();

            ActionResult result = handler(aws, calls).handle(request(victim,
                    victim.instanceId()));

            assertThat(result.outcome()).isEqualTo(Outcome.DONE);
            assertThat(failed(aws, victim.instanceId())).isEmpty();
            assertThat(new TreeMap<>(calls))
                    .containsEntry("DescribeSecurityGroups", 3)
                    .containsEntry("CreateSecurityGroup", 2)
                    .containsEntry("DescribeInstanceAttribute", 6)
                    .containsEntry("DescribeIamInstanceProfileAssociations", 2)
                    .containsEntry("DescribeNetworkInterfaces", 2)
                    .containsEntry("ModifyNetworkInterfaceAttribute", 2);
        }
    }

    @Test
    void readsTheExistingGroupsOnceToPlanAndOnceToVerify() {
        try (LocalAws aws = emulator()) {
            String name = "calls-" + System.nanoTime();
            Victim first = new VictimSeeder(aws, name).ensure(name + "-user");
            handler(aws, new ConcurrentHashMap<>()).handle(request(first, first.instanceId()));
            String second = secondInstance(aws, first);
            Map<String, Integer> calls = new ConcurrentHashMap<>();

            ActionResult result = handler(aws, calls).handle(request(first, second));

            assertThat(result.outcome()).isEqualTo(Outcome.DONE);
            assertThat(failed(aws, second)).isEmpty();
            assertThat(calls).containsEntry("DescribeSecurityGroups", 2)
                    .doesNotContainKey("CreateSecurityGroup");
        }
    }

    private static LocalAws emulator() {
        String endpoint = System.getProperty("ir.endpoint", "");
        assumeTrue(!endpoint.isBlank(), "needs the emulator: run scripts/test");
        return new LocalAws(endpoint);
    }

    private static IsolateInstanceHandler handler(LocalAws aws, Map<String, Integer> calls) {
        Env env = aws.envFor(Map.of());
        Ec2Client ec2 = AwsClients.configure(Ec2Client.builder(), env)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new Counting(calls)))
                .build();
        return new IsolateInstanceHandler(ec2,
                AwsClients.configure(AutoScalingClient.builder(), env).build(),
                AwsClients.configure(ElasticLoadBalancingV2Client.builder(), env).build(),
                env, Clock.systemUTC());
    }

    /** Launches another instance in the first victim's subnet, so its VPC has the groups. */
    private static String secondInstance(LocalAws aws, Victim first) {
        String imageId = aws.ec2.describeInstances(r -> r.instanceIds(first.instanceId()))
                .reservations().get(0).instances().get(0).imageId();
        return aws.ec2.runInstances(r -> r.imageId(imageId)
                .instanceType("t3.micro").minCount(1).maxCount(1)
                .subnetId(first.subnetId()).securityGroupIds(first.groupId()))
                .instances().get(0).instanceId();
    }

    private static List<Check> failed(LocalAws aws, String instanceId) {
        return new EmulatorChecks(aws).instanceIsolated(instanceId).stream()
                .filter(check -> !check.passed()).toList();
    }

    /** Builds the backdoor finding's incident for an instance in the victim's VPC. */
    private static ObjectNode request(Victim victim, String instanceId) {
        Path root = Path.of(System.getProperty("ir.repo.root", "../.."));
        Map<String, String> placeholders = new HashMap<>(victim.placeholders());
        placeholders.replaceAll((placeholder, id) -> id.equals(victim.instanceId())
                ? instanceId : id);
        ObjectNode finding = new SampleEvents(root).load("guardduty-ec2-backdoor.json",
                placeholders);
        ObjectNode request = Json.mapper().createObjectNode();
        request.set("incident", Json.mapper().valueToTree(
                new Triage(Clock.systemUTC(), false).triage(Json.write(finding))));
        return request;
    }

    /** Counts each EC2 operation the handler's client sends. */
    private static final class Counting implements ExecutionInterceptor {
        private final Map<String, Integer> calls;

        Counting(Map<String, Integer> calls) {
            this.calls = calls;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context,
                ExecutionAttributes attributes) {
            calls.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1,
                    Integer::sum);
        }
    }
}
