namespace PrivateInference.Redactor.Grpc;

/// <summary>A request field is invalid. The message names the field and the rule, never the content.</summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException(string message)
        : base(message)
    {
    }

    public RequestValidationException()
        : base("The request is invalid.")
    {
    }

    public RequestValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
