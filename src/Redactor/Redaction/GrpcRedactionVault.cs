using PrivateInference.Contracts.Vault.V1;
using PrivateInference.VaultClient;

namespace PrivateInference.Redactor.Redaction;

/// <summary>The TokenVault over gRPC, called with the Redactor's own service token (the vault's tokenizer identity).</summary>
/// <remarks>The vault admits only the tokenizer identity to Tokenize, and the Redactor holds no other: it can store
/// values, never read them back. The service token travels as <c>authorization: Bearer …</c> on every call; every call
/// has a deadline.</remarks>
public sealed class GrpcRedactionVault : IRedactionVault
{
    private readonly TokenVaultService.TokenVaultServiceClient _client;
    private readonly VaultCallCredentials _credentials;

    /// <summary>A vault client that presents <paramref name="serviceToken"/>'s current value on every call.</summary>
    public GrpcRedactionVault(TokenVaultService.TokenVaultServiceClient client, Func<string> serviceToken, TimeSpan timeout)
        : this(client, VaultCallCredentials.FromFunction(serviceToken, timeout))
    {
    }

    /// <summary>A vault client that calls with <paramref name="credentials"/>.</summary>
    public GrpcRedactionVault(TokenVaultService.TokenVaultServiceClient client, VaultCallCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(credentials);
        _client = client;
        _credentials = credentials;
    }

    /// <inheritdoc />
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken) =>
        await _client.TokenizeAsync(request, _credentials.For(cancellationToken)).ConfigureAwait(false);
}
