namespace Sightline.Search;

/// <summary>Keeps the k largest (score, row) pairs seen; O(1) rejection once full, which is almost every row.</summary>
public sealed class TopK
{
    private readonly float[] _scores;
    private readonly int[] _rows;
    private int _count;
    private int _minIndex;

    public TopK(int k)
    {
        _scores = new float[k];
        _rows = new int[k];
    }

    /// <summary>Scores below this cannot enter.</summary>
    public float Floor => _count < _scores.Length ? float.NegativeInfinity : _scores[_minIndex];

    public int Count => _count;

    public void Offer(float score, int row)
    {
        if (_count < _scores.Length)
        {
            _scores[_count] = score;
            _rows[_count] = row;
            _count++;
            if (_count == _scores.Length)
                FindMin();
            return;
        }
        if (score <= _scores[_minIndex])
            return;
        _scores[_minIndex] = score;
        _rows[_minIndex] = row;
        FindMin();
    }

    private void FindMin()
    {
        int m = 0;
        for (int i = 1; i < _count; i++)
        {
            if (_scores[i] < _scores[m])
                m = i;
        }
        _minIndex = m;
    }

    public IEnumerable<(float Score, int Row)> Items()
    {
        for (int i = 0; i < _count; i++)
            yield return (_scores[i], _rows[i]);
    }
}
