using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>Tokenize, Detokenize and EraseSubject over gRPC: map the messages, call <see cref="PseudonymService"/>.</summary>
internal sealed class TokenVaultGrpcService(PseudonymService pseudonyms) : TokenVaultService.TokenVaultServiceBase
{
    public override async Task<TokenizeResponse> Tokenize(TokenizeRequest request, ServerCallContext context)
    {
        var items = VaultWire.FromWire(request);
        var tokenized = await pseudonyms.TokenizeAsync(context.Caller(), request.TenantId, items, request.Surrogates, context.CancellationToken).ConfigureAwait(false);
        VaultTelemetry.Tokenized(context, items.Select(i => i.EntityType), items.Length);
        return VaultWire.ToWire(tokenized);
    }

    public override async Task<DetokenizeResponse> Detokenize(DetokenizeRequest request, ServerCallContext context)
    {
        var results = await pseudonyms.DetokenizeAsync(context.Caller(), request.TenantId, request.Tokens, request.Surrogates, VaultWire.FromWire(request.Context), context.CancellationToken).ConfigureAwait(false);
        VaultTelemetry.Detokenized(context, results.Tokens.Concat(results.Surrogates).Where(r => r.Found).Select(r => r.EntityType), request.Tokens.Count + request.Surrogates.Count);
        return VaultWire.ToWire(results);
    }

    public override async Task<RecordRehydrationResponse> RecordRehydration(RecordRehydrationRequest request, ServerCallContext context)
    {
        var rehydration = VaultWire.FromWire(request.Context) ?? throw new VaultException(VaultErrorKind.InvalidArgument, "context is required.", "missing_context");
        await pseudonyms.RecordRehydrationAsync(context.Caller(), request.TenantId, rehydration, request.RefusalReason.Length == 0 ? null : request.RefusalReason, context.CancellationToken).ConfigureAwait(false);
        return new RecordRehydrationResponse();
    }

    public override async Task<EraseSubjectResponse> EraseSubject(EraseSubjectRequest request, ServerCallContext context)
    {
        var erased = await pseudonyms.EraseSubjectAsync(context.Caller(), request.TenantId, request.SubjectRef, context.CancellationToken).ConfigureAwait(false);
        VaultTelemetry.Erased(context, erased);
        return new EraseSubjectResponse { Erased = erased };
    }
}
