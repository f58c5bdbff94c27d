package io.consentkit.twilio.internal;

import com.twilio.constant.EnumConstants;
import com.twilio.http.HttpMethod;
import com.twilio.http.HttpUtility;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one place HTTP happens for the Twilio gateway: Apache HttpClient 5 with automatic retries
 * and redirects off, our own timeouts, an optional base URL that replaces
 * {@code https://api.twilio.com} (tests, API proxies), and a {@link CallTrace} telling whether the
 * request body was written. Exactly one HTTP request per {@link #execute} call.
 * Thread-safe. Not public API.
 */
public final class HttpTransport implements AutoCloseable {
    /** Largest response body read; Twilio's message JSON is about 1 KB. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final CloseableHttpClient client;
    private final URI baseUrl;

    /**
     * @param connectTimeout  limit for opening the TCP/TLS connection
     * @param responseTimeout limit for waiting on response data once the request is sent
     * @param baseUrl         replaces Twilio's scheme, host and port (and prefixes its path), or null
     */
    public HttpTransport(Duration connectTimeout, Duration responseTimeout, URI baseUrl) {
        this.baseUrl = baseUrl;
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(responseTimeout))
                        // re-check pooled connections idle for over a second, so a connection the
                        // server closed is not used for a POST (which would then fail mid-flight)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                .setMaxConnPerRoute(20)
                .setMaxConnTotal(100)
                .useSystemProperties()
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(responseTimeout))
                        .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                        .setRedirectsEnabled(false)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .useSystemProperties()
                .build();
    }

    /**
     * Makes exactly one HTTP request.
     *
     * @throws TransportFailure on any I/O failure, saying whether the request may have reached Twilio
     */
    public Response execute(Request request, CallTrace trace) {
        trace.requestStarted();
        HttpUriRequestBase http = new HttpUriRequestBase(request.getMethod().toString(), target(request.constructURL()));
        if (request.requiresAuthentication()) {
            http.addHeader(HttpHeaders.AUTHORIZATION, request.getAuthString());
        }
        for (Map.Entry<String, List<String>> h : request.getHeaderParams().entrySet()) {
            for (String v : h.getValue()) {
                http.addHeader(h.getKey(), v);
            }
        }
        http.addHeader(HttpHeaders.ACCEPT, "application/json");
        http.addHeader(HttpHeaders.USER_AGENT, HttpUtility.getUserAgentString(request.getUserAgentExtensions(), true));
        HttpEntity entity = null;
        if (request.getMethod() != HttpMethod.GET) {
            if (request.getContentType() != null
                    && EnumConstants.ContentType.JSON.getValue().equals(request.getContentType().getValue())) {
                entity = new StringEntity(request.getBody(), ContentType.APPLICATION_JSON);
            } else {
                List<NameValuePair> form = new ArrayList<>();
                request.getPostParams().forEach((k, vs) -> vs.forEach(v -> form.add(new BasicNameValuePair(k, v))));
                entity = new UrlEncodedFormEntity(form, StandardCharsets.UTF_8);
            }
            http.setEntity(new TrackedEntity(entity, trace));
        } else {
            trace.bodyWritten();
        }
        try {
            return client.execute(http, response -> {
                Header[] headers = response.getHeaders();
                String[][] pairs = new String[headers.length][];
                for (int i = 0; i < headers.length; i++) {
                    pairs[i] = new String[] {headers[i].getName(), headers[i].getValue()};
                }
                trace.response(response.getCode(), pairs);
                byte[] body = response.getEntity() == null ? new byte[0] : read(response.getEntity());
                return new Response(new ByteArrayInputStream(body), response.getCode(), headers);
            });
        } catch (IOException e) {
            throw new TransportFailure(e, trace.wasBodyWritten());
        }
    }

    private URI target(URL twilioUrl) {
        if (baseUrl == null) {
            return URI.create(twilioUrl.toString());
        }
        String prefix = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        String query = twilioUrl.getQuery() == null ? "" : "?" + twilioUrl.getQuery();
        return URI.create(baseUrl.getScheme() + "://" + baseUrl.getRawAuthority() + prefix + twilioUrl.getPath() + query);
    }

    private static byte[] read(HttpEntity entity) throws IOException {
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return new byte[0];
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > MAX_RESPONSE_BYTES) {
                    throw new IOException("response body larger than " + MAX_RESPONSE_BYTES + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // closing idle pooled connections; nothing to report
        }
    }

    /** Marks the trace once the whole body has been handed to the connection. */
    private static final class TrackedEntity extends HttpEntityWrapper {
        private final CallTrace trace;

        TrackedEntity(HttpEntity delegate, CallTrace trace) {
            super(delegate);
            this.trace = trace;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            super.writeTo(out);
            trace.bodyWritten();
        }
    }
}
