using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>Tokenize, Detokenize and EraseSubject over gRPC: map the messages, call <see cref="PseudonymService"/>.</summary>
internal sealed class TokenVaultGrpcService(PseudonymService pseudonyms) : TokenVaultService.TokenVaultServiceBase
{
    public override async Task<TokenizeResponse> Tokenize(TokenizeRequest request, ServerCallContext context)
    {
        var items = new TokenizeInput[request.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = request.Items[i];
            TimeSpan? ttl = item.Ttl is null ? null : item.Ttl.ToTimeSpan();
            items[i] = new TokenizeInput(item.EntityType, item.Value, item.SubjectRef.Length == 0 ? null : item.SubjectRef, ttl);
        }

        var tokens = await pseudonyms.TokenizeAsync(context.Caller(), request.TenantId, items, context.CancellationToken).ConfigureAwait(false);
        VaultTelemetry.Tokenized(context, items.Select(i => i.EntityType), items.Length);
        var response = new TokenizeResponse();
        response.Tokens.AddRange(tokens);
        return response;
    }

    public override async Task<DetokenizeResponse> Detokenize(DetokenizeRequest request, ServerCallContext context)
    {
        var results = await pseudonyms.DetokenizeAsync(context.Caller(), request.TenantId, request.Tokens, VaultWire.FromWire(request.Context), context.CancellationToken).ConfigureAwait(false);
        VaultTelemetry.Detokenized(context, results.Where(r => r.Found).Select(r => r.EntityType), request.Tokens.Count);
        var response = new DetokenizeResponse();
        foreach (var r in results)
        {
            response.Results.Add(new DetokenizeResult { Token = r.Token, Found = r.Found, EntityType = r.EntityType, Value = r.Value });
        }

        return response;
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
