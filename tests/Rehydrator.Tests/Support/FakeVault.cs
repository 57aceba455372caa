using System.Collections.Concurrent;
using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Cryptography;
using PrivateInference.Rehydrator.Rehydration;

namespace PrivateInference.Rehydrator.Tests.Support;

/// <summary>A vault in memory that answers like the real one (in order, canonical tokens, per tenant, type must match)
/// and remembers every request.</summary>
internal sealed class FakeVault : IRehydrationVault
{
    private readonly ConcurrentDictionary<(string Tenant, string Token), (string Type, string Value)> _rows = new();
    private readonly ConcurrentDictionary<(string Tenant, string Surrogate), string> _surrogates = new();

    public ConcurrentQueue<DetokenizeRequest> Detokenized { get; } = new();

    public ConcurrentQueue<RecordRehydrationRequest> Recorded { get; } = new();

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, only RecordRehydration throws it.</summary>
    public Exception? RecordFailure { get; set; }

    /// <summary>False: answers no surrogate results at all, as a vault from before surrogates.</summary>
    public bool AnswersSurrogates { get; set; } = true;

    /// <summary>When set, Detokenize answers with this instead.</summary>
    public Func<DetokenizeRequest, DetokenizeResponse>? Answer { get; set; }

    public static RpcException Status(StatusCode code) => new(new Status(code, "fixed vault message"));

    /// <summary>Stores a value and returns its canonical token.</summary>
    public string Add(string tenant, string type, string value, string? spelling = null)
    {
        var token = new Token(type, TokenId.New(), spelling).Format();
        _rows[(tenant, token)] = (type, value);
        return token;
    }

    /// <summary>Stores a value and records <paramref name="surrogate"/> (exactly as written) for its token; returns the token.</summary>
    public string AddSurrogate(string tenant, string type, string value, string surrogate)
    {
        var token = Add(tenant, type, value);
        _surrogates[(tenant, surrogate)] = token;
        return token;
    }

    public Task<DetokenizeResponse> DetokenizeAsync(DetokenizeRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Detokenized.Enqueue(request.Clone());
        if (Failure is not null)
        {
            throw Failure;
        }

        if (request.Tokens.Count + request.Surrogates.Count > 1000)
        {
            throw Status(StatusCode.InvalidArgument);
        }

        if (Answer is not null)
        {
            return Task.FromResult(Answer(request));
        }

        var response = new DetokenizeResponse();
        foreach (var written in request.Tokens)
        {
            if (!Token.TryParseLenient(written, out var token))
            {
                response.Results.Add(new DetokenizeResult());
                continue;
            }

            var canonical = token.Format();
            response.Results.Add(_rows.TryGetValue((request.TenantId, canonical), out var row) && row.Type == token.EntityType
                ? new DetokenizeResult { Token = canonical, Found = true, EntityType = row.Type, Value = row.Value }
                : new DetokenizeResult { Token = canonical });
        }

        foreach (var candidate in request.Surrogates)
        {
            if (!AnswersSurrogates)
            {
                break;
            }

            // As the vault: with a context, a surrogate whose type the context's surrogate actions do not reveal or mask
            // comes back without its value.
            response.SurrogateResults.Add(_surrogates.TryGetValue((request.TenantId, candidate), out var token) && _rows.TryGetValue((request.TenantId, token), out var row)
                ? new DetokenizeResult { Token = token, Found = true, EntityType = row.Type, Value = Shown(request, row.Type) ? row.Value : string.Empty }
                : new DetokenizeResult());
        }

        return Task.FromResult(response);
    }

    private static bool Shown(DetokenizeRequest request, string type) =>
        request.Context is null || (request.Context.SurrogateActions.TryGetValue(type, out var action) && action is "reveal" or "mask");

    public Task RecordRehydrationAsync(RecordRehydrationRequest request, CancellationToken cancellationToken)
    {
        Recorded.Enqueue(request.Clone());
        if ((Failure ?? RecordFailure) is { } failure)
        {
            throw failure;
        }

        return Task.CompletedTask;
    }
}
