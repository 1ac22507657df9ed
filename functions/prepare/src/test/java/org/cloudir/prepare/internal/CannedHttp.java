package org.cloudir.prepare.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Answers each request with the next canned body and keeps the requests it was given; it never
 * opens a socket, so adapter tests of APIs the emulator lacks stay inside the JVM.
 */
final class CannedHttp implements SdkHttpClient {
    private final Deque<String> answers;
    private final String contentType;
    private final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();

    CannedHttp(String contentType, String... answers) {
        this.contentType = contentType;
        this.answers = new ArrayDeque<>(List.of(answers));
    }

    List<SdkHttpRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        requests.add(request.httpRequest());
        byte[] body = (answers.isEmpty() ? "" : answers.poll()).getBytes(StandardCharsets.UTF_8);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(200)
                                .putHeader("Content-Type", contentType)
                                .putHeader("Content-Length", String.valueOf(body.length))
                                .build())
                        .responseBody(AbortableInputStream.create(
                                new ByteArrayInputStream(body)))
                        .build();
            }

            @Override
            public void abort() {
            }
        };
    }

    @Override
    public void close() {
    }
}
