using System.Runtime.CompilerServices;

namespace PrivateInference.TokenVault.Storage;

/// <summary>Reads an audit chain in keyset pages, so no connection stays open while the caller consumes records.</summary>
internal static class AuditPages
{
    public const int PageSize = 1000;

    /// <summary>The records from <paramref name="fromSeq"/> on; <paramref name="readPage"/> reads up to
    /// <see cref="PageSize"/> records from a given seq on, in seq order.</summary>
    public static async IAsyncEnumerable<AuditRecord> ReadAsync(
        Func<long, CancellationToken, Task<List<AuditRecord>>> readPage,
        long fromSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long next = Math.Max(fromSeq, 1);
        while (true)
        {
            List<AuditRecord> page = await readPage(next, cancellationToken).ConfigureAwait(false);
            foreach (AuditRecord record in page)
            {
                yield return record;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            next = page[^1].Seq + 1;
        }
    }
}
