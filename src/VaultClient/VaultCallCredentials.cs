using Grpc.Core;

namespace PrivateInference.VaultClient;

/// <summary>A service's identity towards the TokenVault: its signed service token, and the call options that carry it.</summary>
/// <remarks>The token is a credential: it is never logged or printed (<see cref="TokenFile"/> prints redacted). A token
/// file is read again whenever its modification time changes, so a rotated token is picked up without a restart.</remarks>
public sealed class VaultCallCredentials
{
    private readonly Func<string> _token;
    private readonly TimeSpan _timeout;
    private BearerHeader _header = new(string.Empty, string.Empty);

    private VaultCallCredentials(Func<string> token, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _token = token;
        _timeout = timeout;
    }

    /// <summary>Credentials from a token given directly, or, when <paramref name="tokenFile"/> is set, from that file.</summary>
    /// <exception cref="ArgumentException">Neither a token nor a token file is given.</exception>
    public static VaultCallCredentials Create(string? token, string? tokenFile, TimeSpan timeout)
    {
        if (!string.IsNullOrWhiteSpace(tokenFile))
        {
            var file = tokenFile;
            var cached = new TokenFile(DateTime.MinValue, string.Empty);
            return new VaultCallCredentials(() =>
            {
                var current = Volatile.Read(ref cached);
                var at = File.GetLastWriteTimeUtc(file);
                if (at != current.At)
                {
                    current = new TokenFile(at, File.ReadAllText(file).Trim());
                    Volatile.Write(ref cached, current);
                }

                return current.Token;
            }, timeout);
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            throw new ArgumentException("A vault service token or a token file is required.", nameof(token));
        }

        var fixedToken = token.Trim();
        return new VaultCallCredentials(() => fixedToken, timeout);
    }

    /// <summary>Credentials from a token function (tests, in-process hosts).</summary>
    public static VaultCallCredentials FromFunction(Func<string> token, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new VaultCallCredentials(token, timeout);
    }

    /// <summary>Options for one vault call: <c>authorization: Bearer …</c> and a deadline of the configured timeout.</summary>
    public CallOptions For(CancellationToken cancellationToken) =>
        new(new Metadata { { "authorization", Header(_token()) } }, DateTime.UtcNow + _timeout, cancellationToken);

    // "Bearer " + token, built once per token rather than once per call (a service token is about 600 characters).
    private string Header(string token)
    {
        var last = Volatile.Read(ref _header);
        if (ReferenceEquals(last.Token, token))
        {
            return last.Value;
        }

        var header = new BearerHeader(token, "Bearer " + token);
        Volatile.Write(ref _header, header);
        return header.Value;
    }

    /// <summary>Never prints the token.</summary>
    public override string ToString() => "VaultCallCredentials(redacted)";

    private sealed record TokenFile(DateTime At, string Token)
    {
        public override string ToString() => "TokenFile(redacted)";
    }

    private sealed record BearerHeader(string Token, string Value)
    {
        public override string ToString() => "BearerHeader(redacted)";
    }
}
