using RagService.Indexing;

namespace Tests.Rag;

public sealed class ChunkingTests
{
    private readonly ChunkerSelector chunker = new();

    private static string Describe(CodeChunk c) => $"{c.StartLine}-{c.EndLine} {c.Symbol} ({c.Kind})";

    [Fact]
    public void CSharp_members_are_chunks_with_fully_qualified_names()
    {
        var chunks = chunker.Chunk(SampleRepository.CSharpPath, SampleRepository.CSharp);

        Assert.Equal(
        [
            "1-3 Shop.Billing (file)",
            "5-8 Shop.Billing.InvoiceService (class)",
            "10-15 Shop.Billing.InvoiceService.ComputeTotal (method)",
            "17-19 Shop.Billing.InvoiceService.InvoiceService (constructor)",
            "21-21 Shop.Billing.InvoiceService.FormatInvoiceNumber (method)",
            "23-27 Shop.Billing.InvoiceService.InvoiceState (enum)",
        ], chunks.Select(Describe));
        Assert.All(chunks, c => Assert.Equal("csharp", c.Language));
        // The doc comment travels with its member.
        Assert.StartsWith("/// <summary>Total with tax.</summary>", chunks[2].Text.TrimStart());
    }

    [Fact]
    public void CSharp_block_namespaces_and_nested_types_qualify_names()
    {
        const string source = """
            namespace Outer.Inner
            {
                public class Host
                {
                    public class Nested
                    {
                        public int Value { get; set; }
                        public void Run()
                        {
                            Console.WriteLine("run");
                        }
                        public int Other() => 1;
                        public int Third() => 2;
                        public int Fourth() => 3;
                        public int Fifth() => 4;
                        public int Sixth() => 5;
                    }
                    public void Start() { }
                }
            }
            """;

        var symbols = chunker.Chunk("Host.cs", source).Select(c => c.Symbol).ToList();

        Assert.Contains("Outer.Inner.Host.Nested.Run", symbols);
        Assert.Contains("Outer.Inner.Host.Nested.Fourth", symbols);
        Assert.Contains("Outer.Inner.Host.Start", symbols);
    }

    [Fact]
    public void Python_methods_are_qualified_by_class_and_docstrings_at_column_zero_do_not_end_a_function()
    {
        var chunks = chunker.Chunk(SampleRepository.PythonPath, SampleRepository.Python);

        Assert.Equal(
        [
            "1-1  (file)",
            "4-5 OrderRepository (class)",
            "7-8 OrderRepository.__init__ (method)",
            "10-14 OrderRepository.save_order (method)",
            "16-17 OrderRepository.count_orders (method)",
            "20-22 load_orders (function)",
        ], chunks.Select(Describe));
        Assert.StartsWith("@cached", chunks[^1].Text);
    }

    [Fact]
    public void Go_functions_and_methods_are_qualified_by_package_and_receiver()
    {
        var chunks = chunker.Chunk(SampleRepository.GoPath, SampleRepository.Go);

        Assert.Equal(
        [
            "1-3 cart (file)",
            "5-8 cart.Cart (type)",
            "10-14 cart.Cart.Add (method)",
            "16-18 cart.NewCart (function)",
        ], chunks.Select(Describe));
    }

    [Fact]
    public void TypeScript_classes_split_into_members_and_braces_in_template_strings_are_ignored()
    {
        var chunks = chunker.Chunk(SampleRepository.TypeScriptPath, SampleRepository.TypeScript);

        Assert.Equal(
        [
            "1-1  (file)",
            "3-5 CheckoutOptions (interface)",
            "7-9 CheckoutFlow (class)",
            "11-13 CheckoutFlow.constructor (method)",
            "15-18 CheckoutFlow.submitPayment (method)",
            "21-23 formatPrice (function)",
            "25-27 applyDiscount (function)",
        ], chunks.Select(Describe));
    }

    [Fact]
    public void Long_definitions_are_split_within_the_line_budget_with_overlap()
    {
        var body = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"    x = {i}"));
        var source = "def long_function():\n" + body + "\n";
        var options = new ChunkingOptions { MaxChunkLines = 80, SplitOverlapLines = 8 };

        var chunks = new ChunkerSelector(options).Chunk("long.py", source);

        Assert.All(chunks, c => Assert.True(c.EndLine - c.StartLine + 1 <= 80));
        Assert.All(chunks, c => Assert.Equal("long_function", c.Symbol));
        Assert.Equal(1, chunks[0].StartLine);
        Assert.Equal(201, chunks[^1].EndLine);
        Assert.Equal(chunks[0].EndLine - 7, chunks[1].StartLine);
    }

    [Fact]
    public void Unknown_languages_are_chunked_in_overlapping_line_windows()
    {
        var text = string.Join('\n', Enumerable.Range(1, 120).Select(i => $"line {i}"));

        var chunks = chunker.Chunk("notes.txt", text);

        Assert.Equal([(1, 50), (41, 90), (81, 120)], chunks.Select(c => (c.StartLine, c.EndLine)));
        Assert.All(chunks, c => Assert.Equal(string.Empty, c.Symbol));
    }

    [Fact]
    public void Java_methods_are_qualified_by_package_and_class()
    {
        const string source = """
            package com.shop;

            public class Invoice {
                private final int id;

                public Invoice(int id) {
                    this.id = id;
                }

                @Override
                public String toString() {
                    return "Invoice " + id;
                }

                public static Invoice parse(String text) {
                    return new Invoice(Integer.parseInt(text));
                }
            }
            """;

        var chunks = chunker.Chunk("src/Invoice.java", source);

        Assert.Contains(chunks, c => c.Symbol == "com.shop.Invoice.Invoice" && c.StartLine == 6 && c.EndLine == 8);
        Assert.Contains(chunks, c => c.Symbol == "com.shop.Invoice.toString" && c.StartLine == 10 && c.EndLine == 13);
        Assert.Contains(chunks, c => c.Symbol == "com.shop.Invoice.parse" && c.StartLine == 15 && c.EndLine == 17);
    }

    [Fact]
    public void C_functions_and_structs_are_found_and_prototypes_are_not_definitions()
    {
        const string source = """
            #include <stdio.h>

            struct point {
                int x;
                int y;
            };

            static int add(int a, int b);

            static int
            add(int a, int b)
            {
                return a + b; /* } in a comment */
            }

            void print_point(const struct point *p) {
                printf("{%d}\n", p->x);
            }
            """;

        var chunks = chunker.Chunk("src/point.c", source);

        Assert.Contains(chunks, c => c.Symbol == "point" && c.StartLine == 3 && c.EndLine == 6);
        Assert.Contains(chunks, c => c.Symbol == "add" && c.StartLine == 11 && c.EndLine == 14);
        Assert.Contains(chunks, c => c.Symbol == "print_point" && c.StartLine == 16 && c.EndLine == 18);
    }

    [Fact]
    public void Kotlin_functions_are_qualified_by_package_and_class()
    {
        const string source = """
            package com.shop

            class Basket(private val items: MutableList<Item>) {
                fun add(item: Item) {
                    items.add(item)
                }

                fun total(): Int {
                    return items.sumOf { it.price }
                }

                fun isEmpty(): Boolean {
                    return items.isEmpty()
                }
            }
            """;

        var chunks = chunker.Chunk("Basket.kt", source);

        Assert.Contains(chunks, c => c.Symbol == "com.shop.Basket.add" && c.StartLine == 4 && c.EndLine == 6);
        Assert.Contains(chunks, c => c.Symbol == "com.shop.Basket.total" && c.StartLine == 8 && c.EndLine == 10);
    }
}
