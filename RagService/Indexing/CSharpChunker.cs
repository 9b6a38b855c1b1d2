using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace RagService.Indexing;

/// <summary>
/// C# through Roslyn's syntax tree (no compilation, so it works on any file, even one that does not build):
/// types are containers named <c>Namespace.Outer.Type</c>; methods, constructors, operators, accessor-bodied
/// properties, indexers and events are chunks named <c>Namespace.Type.Member</c> (constructors are
/// <c>Namespace.Type.Type</c>); enums and delegates are one chunk each. Doc comments travel with their member.
/// </summary>
public sealed class CSharpChunker(ChunkingOptions options) : ISourceChunker
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview, DocumentationMode.None);

    /// <summary>Properties shorter than this stay with the type's fields instead of being chunks of their own.</summary>
    public const int MinPropertyLines = 3;

    public List<CodeChunk> Chunk(string path, string text)
    {
        var sourceText = SourceText.From(text);
        var tree = CSharpSyntaxTree.ParseText(sourceText, ParseOptions);
        var root = tree.GetCompilationUnitRoot();
        var spans = new List<SymbolSpan>();
        // Roslyn's own line table, so line numbers agree with the syntax tree whatever the line endings.
        var lines = sourceText.Lines.Select(l => sourceText.ToString(l.Span)).ToArray();
        var fileNamespace = string.Empty;
        Visit(root, string.Empty);
        return ChunkAssembler.Assemble(path, SourceLanguage.CSharp, lines, spans, fileNamespace, options);

        void Visit(SyntaxNode node, string prefix)
        {
            foreach (var child in node.ChildNodes())
            {
                switch (child)
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        var nsName = Qualify(prefix, ns.Name.ToString());
                        if (fileNamespace.Length == 0) fileNamespace = nsName;
                        Visit(ns, nsName);
                        break;
                    case EnumDeclarationSyntax e:
                        Add(e, Qualify(prefix, e.Identifier.Text), "enum", isContainer: false);
                        break;
                    case TypeDeclarationSyntax type:
                        var typeName = Qualify(prefix, type.Identifier.Text);
                        Add(type, typeName, Kind(type), isContainer: true);
                        Visit(type, typeName);
                        break;
                    case DelegateDeclarationSyntax d:
                        Add(d, Qualify(prefix, d.Identifier.Text), "delegate", isContainer: false);
                        break;
                    case MethodDeclarationSyntax m:
                        Add(m, Qualify(prefix, m.Identifier.Text), "method", isContainer: false);
                        break;
                    case ConstructorDeclarationSyntax c:
                        Add(c, Qualify(prefix, c.Identifier.Text), "constructor", isContainer: false);
                        break;
                    case DestructorDeclarationSyntax d:
                        Add(d, Qualify(prefix, "~" + d.Identifier.Text), "destructor", isContainer: false);
                        break;
                    case OperatorDeclarationSyntax o:
                        Add(o, Qualify(prefix, "operator " + o.OperatorToken.Text), "operator", isContainer: false);
                        break;
                    case ConversionOperatorDeclarationSyntax conv:
                        Add(conv, Qualify(prefix, "operator " + conv.Type), "operator", isContainer: false);
                        break;
                    case PropertyDeclarationSyntax p when LineCount(p) >= MinPropertyLines:
                        Add(p, Qualify(prefix, p.Identifier.Text), "property", isContainer: false);
                        break;
                    case IndexerDeclarationSyntax idx:
                        Add(idx, Qualify(prefix, "this[]"), "indexer", isContainer: false);
                        break;
                    case EventDeclarationSyntax ev:
                        Add(ev, Qualify(prefix, ev.Identifier.Text), "event", isContainer: false);
                        break;
                }
            }
        }

        void Add(SyntaxNode node, string symbol, string kind, bool isContainer)
        {
            var (start, end) = LineRange(node);
            spans.Add(new SymbolSpan(start, end, symbol, kind, isContainer));
        }

        (int Start, int End) LineRange(SyntaxNode node)
        {
            // Start at the first comment of the leading trivia (doc comments belong to their member), else the node.
            var startPosition = node.SpanStart;
            foreach (var trivia in node.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia) ||
                    trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                {
                    startPosition = trivia.SpanStart;
                    break;
                }
            }
            var start = sourceText.Lines.GetLineFromPosition(startPosition).LineNumber + 1;
            var end = sourceText.Lines.GetLineFromPosition(Math.Max(node.Span.Start, node.Span.End - 1)).LineNumber + 1;
            return (start, end);
        }

        int LineCount(SyntaxNode node)
        {
            var span = node.GetLocation().GetLineSpan();
            return span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
        }
    }

    private static string Qualify(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private static string Kind(TypeDeclarationSyntax type) => type switch
    {
        InterfaceDeclarationSyntax => "interface",
        StructDeclarationSyntax => "struct",
        RecordDeclarationSyntax => "record",
        _ => "class",
    };
}
