using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PrivateInference.Rehydrator.Tests.Support;

/// <summary>Keeps every log record as text (category, message, state values, exception) for leak checks.</summary>
internal sealed class LogRecords : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => this;

    public ILogger<T> For<T>() => new Typed<T>(this);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(';', pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
        _lines.Enqueue($"{logLevel}|{eventId.Id}|{formatter(state, exception)}|{values}|{exception}");
    }

    public void Dispose()
    {
    }

    private sealed class Typed<T>(LogRecords records) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => records.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            records.Log(logLevel, eventId, state, exception, formatter);
    }
}
