using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;

namespace PrivateInference.Redactor.Redaction;

/// <summary>The TokenVault over gRPC, called with the Redactor's own service token (the vault's tokenizer identity).</summary>
/// <remarks>The vault admits only the tokenizer identity to Tokenize, and the Redactor holds no other: it can store
/// values, never read them back. The service token travels as <c>authorization: Bearer …</c> on every call; every call
/// has a deadline.</remarks>
public sealed class GrpcRedactionVault : IRedactionVault
{
    private readonly TokenVaultService.TokenVaultServiceClient _client;
    private readonly Func<string> _serviceToken;
    private readonly TimeSpan _timeout;

    /// <summary>A vault client that presents <paramref name="serviceToken"/>'s current value on every call.</summary>
    public GrpcRedactionVault(TokenVaultService.TokenVaultServiceClient client, Func<string> serviceToken, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(serviceToken);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _client = client;
        _serviceToken = serviceToken;
        _timeout = timeout;
    }

    /// <inheritdoc />
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken) =>
        await _client.TokenizeAsync(
            request,
            new CallOptions(new Metadata { { "authorization", "Bearer " + _serviceToken() } }, DateTime.UtcNow + _timeout, cancellationToken))
            .ConfigureAwait(false);
}
