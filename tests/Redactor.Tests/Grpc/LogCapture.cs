using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PrivateInference.Redactor.Tests.Grpc;

/// <summary>Collects every log record (message, state values and exception text) for leak checks.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _records = new();

    public IReadOnlyCollection<string> Records => _records;

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CaptureLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            owner._records.Enqueue($"{category}|{formatter(state, exception)}|{values}|{exception}");
        }
    }
}
