using Grpc.Net.Client;

namespace PrivateInference.VaultClient;

/// <summary>The gRPC channel a service opens to the TokenVault: one per service, shared by all its calls.</summary>
/// <remarks>
/// <para>Its HTTP handler is set for a service-to-service hop, not left to the defaults of a general HTTP client:</para>
/// <list type="bullet">
/// <item>No proxy: raw values travel on this channel, and an <c>HTTP_PROXY</c> or <c>ALL_PROXY</c> in the service's
/// environment must not route them through a proxy (it also saves the proxy decision per request).</item>
/// <item>No redirects: a gRPC server never redirects, and a call must not follow one somewhere else.</item>
/// <item>More than one HTTP/2 connection when one has all its streams in use (Kestrel allows 100 per connection), so
/// calls beyond that open another connection rather than queue.</item>
/// <item>Keep-alive pings on an idle connection, so a vault replica that went away is noticed before the next call
/// waits on it until its deadline.</item>
/// </list>
/// </remarks>
public static class VaultChannel
{
    /// <summary>A channel to the vault at <paramref name="address"/> (<c>http://vault:8080</c>, or https).</summary>
    public static GrpcChannel Create(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            },
            DisposeHttpClient = true,
        });
    }
}
