using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Lifecycle;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>The security admins' key lifecycle over gRPC: map the messages, call <see cref="KeyAdministration"/>.</summary>
internal sealed class KeyAdminGrpcService(KeyAdministration keys) : KeyAdminService.KeyAdminServiceBase
{
    public override async Task<CreateTenantResponse> CreateTenant(CreateTenantRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.CreateTenantAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<GetImportKeyResponse> GetImportKey(GetImportKeyRequest request, ServerCallContext context)
    {
        var key = await keys.GetImportKeyAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false);
        var response = new GetImportKeyResponse { ImportKeyId = key.Id.Value, PublicKeyPem = key.Pem, ExpiresAt = Timestamp.FromDateTimeOffset(key.ExpiresAt) };
        response.Wrappings.AddRange(key.Wrappings.Select(WrappingNames.Name));
        return response;
    }

    public override async Task<ImportKeyResponse> ImportKey(ImportKeyRequest request, ServerCallContext context)
    {
        if (!WrappingNames.TryParse(request.Wrapping, out var wrapping))
        {
            throw new VaultException(VaultErrorKind.InvalidArgument, "wrapping is not one the vault accepts.", "unknown_wrapping");
        }

        ImportKeyId id;
        try
        {
            id = new ImportKeyId(request.ImportKeyId);
        }
        catch (ArgumentException ex)
        {
            throw new VaultException(VaultErrorKind.InvalidArgument, "import_key_id is 32 lower-case hex digits.", "invalid_import_key_id", ex);
        }

        return new() { Tenant = Map(await keys.ImportKeyAsync(context.Caller(), request.TenantId, id, wrapping, request.WrappedKey.Memory, context.CancellationToken).ConfigureAwait(false)) };
    }

    public override async Task<RotateKekResponse> RotateKek(RotateKekRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.RotateKekAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<RotateDekResponse> RotateDek(RotateDekRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.RotateDekAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<DisableKeyResponse> DisableKey(DisableKeyRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.DisableAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<EnableKeyResponse> EnableKey(EnableKeyRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.EnableAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<ApproveDestroyResponse> ApproveDestroy(ApproveDestroyRequest request, ServerCallContext context) =>
        new()
        {
            Approvals = await keys.ApproveDestroyAsync(context.Caller(), request.TenantId, request.RequestId, context.CancellationToken).ConfigureAwait(false),
            Required = keys.RequiredApprovals,
        };

    public override async Task<DestroyKeyResponse> DestroyKey(DestroyKeyRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.DestroyAsync(context.Caller(), request.TenantId, request.RequestId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<ListKeysResponse> ListKeys(ListKeysRequest request, ServerCallContext context)
    {
        var list = await keys.ListAsync(context.Caller(), request.TenantId.Length == 0 ? null : request.TenantId, context.CancellationToken).ConfigureAwait(false);
        var response = new ListKeysResponse();
        response.Tenants.AddRange(list.Select(Map));
        return response;
    }

    internal static TenantKeys Map(TenantKeyInventory inventory) => new()
    {
        TenantId = inventory.TenantId,
        State = inventory.State.ToString().ToLowerInvariant(),
        KekRef = inventory.KekRef,
        KekVersion = inventory.KekVersion,
        KekProvider = inventory.KekProvider,
        DekVersion = inventory.DekVersion,
        FingerprintKeyVersion = inventory.FingerprintKeyVersion,
        Rows = inventory.Rows,
        RowsBelowCurrentDek = inventory.RowsBelowCurrentDek,
        CreatedAt = Timestamp.FromDateTimeOffset(inventory.CreatedAt),
    };
}
