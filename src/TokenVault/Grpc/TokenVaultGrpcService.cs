using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>Tokenize, Detokenize and EraseSubject over gRPC: map the messages, call <see cref="PseudonymService"/>.</summary>
internal sealed class TokenVaultGrpcService(PseudonymService pseudonyms) : TokenVaultService.TokenVaultServiceBase
{
    public override async Task<TokenizeResponse> Tokenize(TokenizeRequest request, ServerCallContext context) =>
        VaultWire.ToWire(await pseudonyms.TokenizeAsync(context.Caller(), request.TenantId, VaultWire.FromWire(request), request.Surrogates, context.CancellationToken).ConfigureAwait(false));

    public override async Task<DetokenizeResponse> Detokenize(DetokenizeRequest request, ServerCallContext context)
    {
        var results = await pseudonyms.DetokenizeAsync(context.Caller(), request.TenantId, request.Tokens, request.Surrogates, VaultWire.FromWire(request.Context), context.CancellationToken).ConfigureAwait(false);
        return VaultWire.ToWire(results);
    }

    public override async Task<RecordRehydrationResponse> RecordRehydration(RecordRehydrationRequest request, ServerCallContext context)
    {
        var rehydration = VaultWire.FromWire(request.Context) ?? throw new VaultException(VaultErrorKind.InvalidArgument, "context is required.", "missing_context");
        await pseudonyms.RecordRehydrationAsync(context.Caller(), request.TenantId, rehydration, request.RefusalReason.Length == 0 ? null : request.RefusalReason, context.CancellationToken).ConfigureAwait(false);
        return new RecordRehydrationResponse();
    }

    public override async Task<EraseSubjectResponse> EraseSubject(EraseSubjectRequest request, ServerCallContext context) =>
        new() { Erased = await pseudonyms.EraseSubjectAsync(context.Caller(), request.TenantId, request.SubjectRef, context.CancellationToken).ConfigureAwait(false) };
}
