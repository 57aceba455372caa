namespace PrivateInference.Rehydrator.Policy;

/// <summary>A rehydration policy file that cannot be used. The message names the file, the line and the field.</summary>
/// <remarks>A policy holds names of roles, purposes and entity types, never sensitive values, so its messages may quote
/// the offending key.</remarks>
public sealed class RehydrationPolicyException : Exception
{
    /// <summary>A policy error with a generic message.</summary>
    public RehydrationPolicyException()
        : base("The rehydration policy is not valid.")
    {
    }

    /// <summary>A policy error naming what is wrong.</summary>
    public RehydrationPolicyException(string message)
        : base(message)
    {
    }

    /// <summary>A policy error naming what is wrong, with its cause.</summary>
    public RehydrationPolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
