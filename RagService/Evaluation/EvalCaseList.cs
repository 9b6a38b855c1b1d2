namespace RagService.Evaluation;

/// <summary>
/// The committed list of picked commits: tab-separated <c>repository language commit split</c>, one per line, '#'
/// comments. Only ids; queries and gold files are regenerated from the snapshots.
/// </summary>
public static class EvalCaseList
{
    public static List<EvalCase> Read(string path)
    {
        var cases = new List<EvalCase>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            if (parts.Length != 4 || parts[2].Length < 7 || parts[3] is not (EvalCase.Tune or EvalCase.HeldOut))
                throw new FormatException($"{path}:{number}: expected 'owner/name<TAB>language<TAB>commit<TAB>{EvalCase.Tune}|{EvalCase.HeldOut}'.");
            cases.Add(new EvalCase(parts[0], parts[1], parts[2], parts[3]));
        }
        return cases;
    }

    public static void Write(string path, IEnumerable<EvalCase> cases, string header)
    {
        using var writer = new StreamWriter(path);
        foreach (var line in header.Split('\n')) writer.WriteLine("# " + line);
        foreach (var c in cases) writer.WriteLine($"{c.Repository}\t{c.Language}\t{c.Commit}\t{c.Split}");
    }
}
