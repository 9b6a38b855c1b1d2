using System.Diagnostics;

namespace Tests.Rag;

/// <summary>
/// A small multi-language repository in a temp folder (C#, Python, Go, TypeScript, docs, an ignored folder, a
/// binary file), initialised with <c>git init</c> so file selection goes through <c>git ls-files</c>.
/// Each instance is its own folder, so tests may modify it.
/// </summary>
public sealed class SampleRepository : IDisposable
{
    public const string CSharpPath = "src/Billing/InvoiceService.cs";
    public const string PythonPath = "app/orders.py";
    public const string GoPath = "pkg/cart/cart.go";
    public const string TypeScriptPath = "web/src/checkout.ts";
    public const string ReadmePath = "README.md";

    public const string CSharp = """
        using System;

        namespace Shop.Billing;

        /// <summary>Computes invoices.</summary>
        public sealed class InvoiceService
        {
            private readonly decimal taxRate = 0.2m;

            /// <summary>Total with tax.</summary>
            public decimal ComputeTotal(decimal net)
            {
                var tax = net * taxRate;
                return net + tax;
            }

            public InvoiceService()
            {
            }

            public string FormatInvoiceNumber(int number) => $"INV-{number:D6}";

            public enum InvoiceState
            {
                Draft,
                Sent,
            }
        }
        """;

    public const string Python = """"
        import os


        class OrderRepository:
            """Stores orders on disk."""

            def __init__(self, path):
                self.path = path

            def save_order(self, order):
                data = """
        multi-line string at column zero
        """
                return write(self.path, data)

            def count_orders(self):
                return len(load_orders(self.path))


        @cached
        def load_orders(path):
            return [line for line in open(path)]
        """";

    public const string Go = """
        package cart

        import "fmt"

        // Cart holds items.
        type Cart struct {
        	Items []Item
        }

        // Add appends an item.
        func (c *Cart) Add(item Item) {
        	c.Items = append(c.Items, item)
        	fmt.Println("added {")
        }

        func NewCart() *Cart {
        	return &Cart{}
        }
        """;

    public const string TypeScript = """
        import { Cart } from "./cart";

        export interface CheckoutOptions {
          currency: string;
        }

        /** Runs the checkout. */
        export class CheckoutFlow {
          private readonly cart: Cart;

          constructor(cart: Cart) {
            this.cart = cart;
          }

          async submitPayment(amount: number): Promise<boolean> {
            const label = `total: ${amount}}`;
            return amount > 0;
          }
        }

        export const formatPrice = (value: number): string => {
          return value.toFixed(2);
        };

        export function applyDiscount(total: number, percent: number): number {
          return total * (1 - percent / 100);
        }
        """;

    public const string Readme = """
        # Shop

        The shop computes invoices, stores orders and runs the checkout.
        Payments are submitted by the checkout flow.
        """;

    /// <param name="parent">The folder to create the repository in (a workspace root); a temp folder by default.</param>
    public SampleRepository(bool initGit = true, string? parent = null)
    {
        Root = Path.Combine(parent ?? Path.GetTempPath(), "rag-sample-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Write(CSharpPath, CSharp);
        Write(PythonPath, Python);
        Write(GoPath, Go);
        Write(TypeScriptPath, TypeScript);
        Write(ReadmePath, Readme);
        Write(".gitignore", "generated/\n*.log\n");
        Write("generated/Big.cs", "namespace Generated; public class Big { }\n");
        Write("debug.log", "not source\n");
        Write("node_modules/lib/index.js", "module.exports = 1;\n");
        File.WriteAllBytes(Path.Combine(Root, "assets/logo.dat".Replace('/', Path.DirectorySeparatorChar)).EnsureDirectory(), [0x89, 0x50, 0x00, 0x47]);
        File.WriteAllBytes(Path.Combine(Root, "blob.txt"), [0x41, 0x00, 0x42]);
        if (initGit) Git("init", "-q");
    }

    public string Root { get; }

    public void Write(string relativePath, string content)
    {
        var full = Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar)).EnsureDirectory();
        File.WriteAllText(full, content.EndsWith('\n') ? content : content + "\n");
    }

    public void Delete(string relativePath) => File.Delete(Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar)));

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("git " + string.Join(' ', args) + " failed: " + process.StandardError.ReadToEnd());
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class PathExtensions
{
    public static string EnsureDirectory(this string filePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
        return filePath;
    }
}
