package io.consentkit.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.util.List;

/**
 * Removes the named request headers before a request is signed and sent: the local server then
 * behaves exactly like an S3-compatible server (or a proxy in front of one) that ignores them,
 * answering an unconditional write. Thread-safe (immutable).
 */
final class DroppedHeaders implements ExecutionInterceptor {
    private final List<String> names;

    DroppedHeaders(String... names) {
        this.names = List.of(names);
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attrs) {
        SdkHttpRequest.Builder b = context.httpRequest().toBuilder();
        for (String n : names) {
            b.removeHeader(n);
        }
        return b.build();
    }
}
