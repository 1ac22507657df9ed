package org.cloudir.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.cloudir.aws.Env;
import org.cloudir.aws.JsonFunction;
import org.cloudir.core.Log;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.readiness.CheckStatus;
import org.cloudir.core.readiness.ReadinessCheck;
import org.cloudir.core.readiness.ReadinessReport;
import org.cloudir.prepare.internal.DetectionChecks;
import org.cloudir.prepare.internal.IsolationGroupChecks;
import org.cloudir.prepare.internal.PermissionChecks;
import org.cloudir.prepare.internal.StoreChecks;

/**
 * Probes whether the responder is ready before an incident needs it: GuardDuty on, a logging
 * multi-region trail, the incident table, the evidence bucket with versioning and object lock,
 * the notification topic, the isolation groups of every VPC, and the playbook roles'
 * permissions. It only reads and creates nothing; each check says OK, MISSING or UNKNOWN, and
 * the deployment is ready when nothing is MISSING. Run on demand or on a schedule.
 */
public final class ReadinessCheckHandler extends JsonFunction<ReadinessReport> {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private final Log log = Log.forClass(ReadinessCheckHandler.class);
    private final Env env;
    private final String region;
    private final StoreChecks stores;
    private final DetectionChecks detection;
    private final IsolationGroupChecks isolation;
    private final PermissionChecks permissions;
    private final Clock clock;

    /** Creates the handler Lambda runs, with clients built from the environment. */
    public ReadinessCheckHandler() {
        this(Env.system());
    }

    public ReadinessCheckHandler(Env env) {
        this(ReadinessClients.create(env), env, Clock.systemUTC());
    }

    public ReadinessCheckHandler(ReadinessClients clients, Env env, Clock clock) {
        this.env = env;
        this.region = env.get("AWS_REGION").or(() -> env.get("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> new IllegalStateException("AWS_REGION is not set; Lambda"
                        + " sets it, locally scripts/env.sh does"));
        this.stores = new StoreChecks(clients.dynamoDb(), clients.s3(), clients.sns());
        this.detection = new DetectionChecks(clients.detectors(), clients.cloudTrail());
        this.isolation = new IsolationGroupChecks(clients.ec2());
        this.permissions = new PermissionChecks(clients.permissions());
        this.clock = clock;
    }


    /** Runs every check; the request is {@code {}} or {@code {"regions": [...]}}. */
    @Override
    public ReadinessReport handle(JsonNode request) {
        Set<String> otherRegions = otherRegions(request);

        List<ReadinessCheck> checks = new ArrayList<>();
        checks.add(detection.detector(region));
        checks.add(detection.trail(region));
        checks.add(stores.table(env.get("INCIDENT_TABLE")));
        checks.add(stores.bucket(env.get("EVIDENCE_BUCKET")));
        checks.add(stores.topic(env.get("NOTIFICATION_TOPIC_ARN")));
        checks.addAll(isolation.checks(region));
        checks.addAll(permissions.checks(env, region));
        otherRegions.forEach(other -> checks.add(ReadinessCheck.unknown("region:" + other,
                "this probe checks its own region (" + region + ") only; run it in " + other)));

        ReadinessReport report = ReadinessReport.of(region, clock.instant(), checks);
        log.info("readiness checked", "region", region, "ready", report.ready(),
                "missing", report.missing(), "unknown", checks.stream()
                        .filter(check -> check.status() == CheckStatus.UNKNOWN)
                        .map(ReadinessCheck::name).toList(),
                "outcome", report.ready() ? "READY" : "NOT_READY");
        return report;
    }

    /** Reads the optional region list, returning the regions other than this function's. */
    private Set<String> otherRegions(JsonNode request) {
        JsonNode regions = request.path("regions");
        if (regions.isMissingNode() || regions.isNull()) {
            return Set.of();
        }
        if (!regions.isArray()) {
            throw new MalformedEventException("readiness request: field 'regions' must be a"
                    + " list of region names such as [\"us-east-1\"]");
        }
        Set<String> others = new LinkedHashSet<>();
        for (JsonNode item : regions) {
            if (!item.isTextual() || !REGION.matcher(item.asText()).matches()) {
                throw new MalformedEventException("readiness request: field 'regions' holds '"
                        + item.asText() + "', which is not a region name such as us-east-1");
            }
            if (!item.asText().equals(region)) {
                others.add(item.asText());
            }
        }
        return others;
    }
}
