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

    public override async Task<ImportKeyResponse> ImportKey(ImportKeyRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.ImportKeyAsync(context.Caller(), request.TenantId, request.ImportKeyId, request.Wrapping, request.WrappedKey.Memory, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<RotateKekResponse> RotateKek(RotateKekRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.RotateKekAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<RotateDekResponse> RotateDek(RotateDekRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.RotateDekAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<DisableKeyResponse> DisableKey(DisableKeyRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.DisableAsync(context.Caller(), request.TenantId, request.Reason, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<EnableKeyResponse> EnableKey(EnableKeyRequest request, ServerCallContext context) =>
        new() { Tenant = Map(await keys.EnableAsync(context.Caller(), request.TenantId, request.Reason, context.CancellationToken).ConfigureAwait(false)) };

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

    public override async Task<RotateAuditSigningKeyResponse> RotateAuditSigningKey(RotateAuditSigningKeyRequest request, ServerCallContext context) =>
        new() { Key = AuditGrpcService.Map(await keys.RotateAuditSigningKeyAsync(context.Caller(), context.CancellationToken).ConfigureAwait(false)) };

    internal static TenantKeys Map(TenantKeyInventory inventory)
    {
        var keys = new TenantKeys
        {
            TenantId = inventory.TenantId,
            State = inventory.StateName,
            KekRef = inventory.KekRef,
            KekVersion = inventory.KekVersion,
            KekProvider = inventory.KekProvider,
            DekVersion = inventory.DekVersion,
            FingerprintKeyVersion = inventory.FingerprintKeyVersion,
            Rows = inventory.Rows,
            RowsBelowCurrentDek = inventory.RowsBelowCurrentDek,
            CreatedAt = inventory.State == Storage.TenantState.NotCreated ? null : Timestamp.FromDateTimeOffset(inventory.CreatedAt),
        };
        keys.UnusedKekVersions.AddRange(inventory.UnusedKekVersions.Select(v => new KekVersion
        {
            Version = v.Id.Version,
            State = v.State.ToString().ToLowerInvariant(),
            Origin = v.Origin.ToString().ToLowerInvariant(),
        }));
        return keys;
    }
}
