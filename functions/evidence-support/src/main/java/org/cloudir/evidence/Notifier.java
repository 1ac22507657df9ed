package org.cloudir.evidence;

import java.util.Map;
import org.cloudir.aws.AwsErrors;
import org.cloudir.core.Log;
import org.cloudir.core.notify.Notification;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes notifications to the incident topic. Attributes carry the kind and incident id so
 * subscribers can filter, e.g. a pager only for "approval needed".
 */
public final class Notifier {
    private final Log log = Log.forClass(Notifier.class);
    private final SnsClient sns;
    private final String topicArn;

    public Notifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /** Publishes the notification and returns the SNS message id. */
    public String publish(Notification notification) {
        String messageId = AwsErrors.call("Publish " + topicArn, () -> sns.publish(request ->
                request.topicArn(topicArn)
                        .subject(notification.subject())
                        .message(notification.message())
                        .messageAttributes(Map.of(
                                "kind", text(notification.kind().name()),
                                "incidentId", text(notification.incidentId())))))
                .messageId();
        log.info("notification sent", "incidentId", notification.incidentId(),
                "kind", notification.kind(), "messageId", messageId);
        return messageId;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
