namespace PrivateInference.Bench.Corpus;

/// <summary>Draws items in random order without repeating one until all have been drawn, so a document
/// does not say the same sentence twice in a row.</summary>
internal sealed class Deck<T>(Fakes fakes, IReadOnlyList<T> items)
{
    private readonly T[] _cards = [.. items];
    private int _next = items.Count;

    public T Draw()
    {
        if (_next == _cards.Length)
        {
            fakes.Random.Shuffle(_cards);
            _next = 0;
        }

        return _cards[_next++];
    }
}
