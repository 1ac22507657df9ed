package org.cloudir.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.cloudir.core.Json;

/**
 * Runs a function that reads one JSON request and answers one JSON value: Lambda's stream is
 * parsed here (an empty request is JSON null) and the result written back, so subclasses only
 * handle the parsed request. Exceptions leave the function, so Step Functions sees their class
 * names and applies the state machine's Retry and Catch.
 *
 * @param <R> what the function answers, written as JSON
 */
public abstract class JsonFunction<R> implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context)
            throws IOException {
        JsonNode request = Json.mapper().readTree(input);
        Json.mapper().writeValue(output,
                handle(request == null ? Json.mapper().nullNode() : request));
    }

    /** Handles one parsed request; the local worker and the tests call this directly. */
    public abstract R handle(JsonNode request);
}
