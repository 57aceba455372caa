using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>Chain verification and export over gRPC, for auditors and SIEM collectors.</summary>
internal sealed class AuditGrpcService(AuditQueries audit) : AuditService.AuditServiceBase
{
    public override async Task<VerifyChainResponse> VerifyChain(VerifyChainRequest request, ServerCallContext context)
    {
        var result = await audit.VerifyAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false);
        return new VerifyChainResponse
        {
            Intact = result.IsIntact,
            Records = result.Verified,
            FirstBadSeq = result.BrokenAtSeq ?? 0,
            Problem = result.Break is { } kind ? AuditProblems.Name(kind) : string.Empty,
            OutcomeUnknownSeqs = { result.OutcomeUnknown },
            CheckpointsVerified = result.CheckpointsVerified,
            InvalidCheckpointSeqs = { result.InvalidCheckpoints },
            UnknownKeyCheckpointSeqs = { result.UnknownKeyCheckpoints },
            MissingCheckpointSeqs = { result.MissingCheckpoints },
            UnrecordedCheckpointSeqs = { result.UnrecordedCheckpoints },
        };
    }

    public override async Task<WriteCheckpointResponse> WriteCheckpoint(WriteCheckpointRequest request, ServerCallContext context) =>
        new() { Checkpoint = Map(await audit.CheckpointAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)) };

    public override async Task<ListCheckpointsResponse> ListCheckpoints(ListCheckpointsRequest request, ServerCallContext context) =>
        new() { Checkpoints = { (await audit.ListCheckpointsAsync(context.Caller(), request.TenantId, context.CancellationToken).ConfigureAwait(false)).Select(Map) } };

    public override async Task<GetAuditPublicKeyResponse> GetAuditPublicKey(GetAuditPublicKeyRequest request, ServerCallContext context)
    {
        var keys = await audit.GetPublicKeysAsync(context.Caller(), request.Version == 0 ? null : request.Version, context.CancellationToken).ConfigureAwait(false);
        return new GetAuditPublicKeyResponse { PublicKeyPem = keys[^1].Pem, KeyId = keys[^1].KeyId, Keys = { keys.Select(Map) } };
    }

    /// <summary>The wire form of one public key version (also the key admins' rotation answer).</summary>
    internal static Contracts.Vault.V1.AuditPublicKey Map(Audit.AuditPublicKey key) => new() { Version = key.Version, KeyId = key.KeyId, PublicKeyPem = key.Pem };

    private static Contracts.Vault.V1.AuditCheckpoint Map(SignedAuditCheckpoint checkpoint) => new()
    {
        TenantId = checkpoint.TenantId,
        Seq = checkpoint.Seq,
        HeadHash = Convert.ToHexStringLower(checkpoint.HeadHash),
        At = Timestamp.FromDateTimeOffset(checkpoint.At),
        KeyId = checkpoint.KeyId,
        Signature = Convert.ToBase64String(checkpoint.Signature),
        KeyVersion = checkpoint.KeyVersion,
    };

    public override async Task ExportAudit(ExportAuditRequest request, IServerStreamWriter<Contracts.Vault.V1.AuditRecord> responseStream, ServerCallContext context)
    {
        await foreach (var record in audit.ExportAsync(context.Caller(), request.TenantId, request.FromSeq, context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(new Contracts.Vault.V1.AuditRecord
            {
                TenantId = record.TenantId,
                Seq = record.Seq,
                At = Timestamp.FromDateTimeOffset(record.At),
                Actor = record.Actor,
                Action = record.Action,
                Outcome = record.Outcome,
                DetailJson = record.DetailJson,
                PrevHash = Convert.ToHexStringLower(record.PrevHash),
                Hash = Convert.ToHexStringLower(record.Hash),
            }).ConfigureAwait(false);
        }
    }
}
