package org.cloudir.report;

import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.evidence.EvidenceClients;
import org.cloudir.evidence.EvidenceStore;
import org.cloudir.evidence.EvidenceVerifier;
import org.cloudir.evidence.VerificationResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Re-hashes an incident's evidence and reports any object whose content no longer matches the
 * manifest: {@code verify --bucket B --incident ID [--table T] [--endpoint URL]}. With a table,
 * the manifest itself is checked against the SHA-256 kept on the incident record. Exits 0 when
 * everything matches, 1 on a mismatch, 2 on bad arguments.
 */
public final class VerifyCommand {
    private VerifyCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Env.system()));
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Env environment) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--bucket") || !options.containsKey("--incident")
                || args.length % 2 != 0) {
            err.println("usage: verify --bucket BUCKET --incident INCIDENT_ID [--table TABLE]"
                    + " [--endpoint http://127.0.0.1:PORT]");
            return 2;
        }
        Env env = environment;
        if (options.containsKey("--endpoint")) {
            Map<String, String> variables = new HashMap<>(environment.variables());
            variables.put(AwsClients.ENDPOINT_VARIABLE, options.get("--endpoint"));
            variables.putIfAbsent("AWS_REGION", "us-east-1");
            env = new Env(variables);
        }
        String incidentId = options.get("--incident");
        Optional<String> expected = Optional.empty();
        if (options.containsKey("--table")) {
            try (DynamoDbClient dynamoDb = AwsClients.configure(DynamoDbClient.builder(), env)
                    .build()) {
                expected = IncidentRecord.read(dynamoDb, options.get("--table"), incidentId)
                        .manifestSha256();
            }
        }
        EvidenceStore store = new EvidenceStore(EvidenceClients.s3(env), options.get("--bucket"),
                Clock.systemUTC());
        VerificationResult result = new EvidenceVerifier(store).verify(incidentId, expected);
        out.print(result.describe());
        return result.passed() ? 0 : 1;
    }
}
