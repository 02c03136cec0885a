namespace Sightline.Evaluation;

/// <summary>
/// A small CSV reader for ground-truth files: header row, commas, double-quoted fields. Lines are at most
/// <see cref="MaxLineChars"/> characters and header names are unique; anything else is refused naming the line.
/// </summary>
public sealed class CsvTable
{
    public const int MaxLineChars = 65_536;

    private readonly Dictionary<string, int> _columns;

    private CsvTable(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
        {
            if (!_columns.TryAdd(header[i].Trim(), i))
                throw SightlineException.InvalidParameter($"CSV file '{path}' names the column '{Excerpt(header[i].Trim())}' twice in its header.");
        }
        Rows = rows;
    }

    public string Path { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public static CsvTable Load(string path, params string[] required)
    {
        if (!File.Exists(path))
            throw SightlineException.InvalidParameter($"CSV file '{path}' does not exist.");
        var lines = ReadLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0)
            throw SightlineException.InvalidParameter($"CSV file '{path}' is empty.");
        var table = new CsvTable(path, Split(lines[0]), [.. lines.Skip(1).Select(Split)]);
        foreach (var column in required)
        {
            if (!table._columns.ContainsKey(column))
                throw SightlineException.InvalidParameter($"CSV file '{path}' has no '{column}' column (header: {Excerpt(lines[0])}).");
        }
        for (int i = 0; i < table.Rows.Count; i++)
        {
            if (table.Rows[i].Length < table._columns.Count)
                throw SightlineException.InvalidParameter($"CSV file '{path}' line {i + 2} has {table.Rows[i].Length} fields, expected {table._columns.Count}.");
        }
        return table;
    }

    public bool HasColumn(string column) => _columns.ContainsKey(column);

    public string Get(string[] row, string column) => row[_columns[column]].Trim();

    public float GetFloat(string[] row, string column, int line)
    {
        var text = Get(row, column);
        return float.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float v)
            ? v
            : throw SightlineException.InvalidParameter($"CSV file '{Path}' line {line + 2}: '{column}' is '{text}', not a number.");
    }

    /// <summary>
    /// The file's lines, refusing one longer than <see cref="MaxLineChars"/> as soon as it gets there: a file of one
    /// endless line is never held whole (File.ReadAllLines would grow a buffer to its size first).
    /// </summary>
    private static List<string> ReadLines(string path)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        var buffer = new char[8192];
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                char c = buffer[i];
                if (c == '\n')
                {
                    lines.Add(line.ToString().TrimEnd('\r'));
                    line.Clear();
                }
                else if (line.Length == MaxLineChars)
                    throw SightlineException.InvalidParameter($"CSV file '{path}' has a line longer than {MaxLineChars:N0} characters (line {lines.Count + 1}).");
                else
                    line.Append(c);
            }
        }
        if (line.Length > 0)
            lines.Add(line.ToString().TrimEnd('\r'));
        return lines;
    }

    /// <summary>At most 200 characters of untrusted text for a message, control characters shown as '?'.</summary>
    private static string Excerpt(string text) =>
        new([.. (text.Length > 200 ? text[..200] + "…" : text).Select(c => char.IsControl(c) ? '?' : c)]);

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return [.. fields];
    }
}
