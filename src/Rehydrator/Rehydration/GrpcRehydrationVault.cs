using PrivateInference.Contracts.Vault.V1;
using PrivateInference.VaultClient;

namespace PrivateInference.Rehydrator.Rehydration;

/// <summary>The TokenVault over gRPC, called with the Rehydrator's own service token (the vault's detokenizer identity).</summary>
/// <remarks>The vault admits only the detokenizer identity to Detokenize and RecordRehydration: agents never talk to the
/// vault, and the Rehydrator never holds a tokenizer or key-admin identity. The service token travels as
/// <c>authorization: Bearer …</c> on every call; every call has a deadline.</remarks>
public sealed class GrpcRehydrationVault : IRehydrationVault
{
    private readonly TokenVaultService.TokenVaultServiceClient _client;
    private readonly VaultCallCredentials _credentials;

    /// <summary>A vault client that presents <paramref name="serviceToken"/>'s current value on every call.</summary>
    public GrpcRehydrationVault(TokenVaultService.TokenVaultServiceClient client, Func<string> serviceToken, TimeSpan timeout)
        : this(client, VaultCallCredentials.FromFunction(serviceToken, timeout))
    {
    }

    /// <summary>A vault client that calls with <paramref name="credentials"/>.</summary>
    public GrpcRehydrationVault(TokenVaultService.TokenVaultServiceClient client, VaultCallCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(credentials);
        _client = client;
        _credentials = credentials;
    }

    /// <inheritdoc />
    public async Task<DetokenizeResponse> DetokenizeAsync(DetokenizeRequest request, CancellationToken cancellationToken) =>
        await _client.DetokenizeAsync(request, _credentials.For(cancellationToken)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task RecordRehydrationAsync(RecordRehydrationRequest request, CancellationToken cancellationToken) =>
        await _client.RecordRehydrationAsync(request, _credentials.For(cancellationToken)).ConfigureAwait(false);

}
