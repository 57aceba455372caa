namespace PrivateInference.TokenVault.Storage;

/// <summary>A new token's random ID is already taken by another row of the tenant. Nothing was written;
/// retry the same call with fresh IDs.</summary>
/// <remarks>With 128-bit random IDs this is astronomically rare; it has its own type so the caller can retry
/// instead of failing a request, and it never carries the ID.</remarks>
public sealed class TokenIdCollisionException : Exception
{
    public TokenIdCollisionException()
        : base("A new token ID is already taken; retry with new IDs.")
    {
    }

    public TokenIdCollisionException(string message)
        : base(message)
    {
    }

    public TokenIdCollisionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The tenant a change names does not exist.</summary>
public sealed class TenantNotFoundException : Exception
{
    public TenantNotFoundException()
        : base("The tenant does not exist.")
    {
    }

    public TenantNotFoundException(string message)
        : base(message)
    {
    }

    public TenantNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
