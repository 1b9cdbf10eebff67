using Formation.Shell.Data;
using Formation.Shell.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Formation.Commerce.Data;

/// <summary>Who buys, and so which of the module's prices applies.</summary>
public enum BuyerKind { Individual, Employer, Institute }

/// <summary>
/// Statuses only move forward: AwaitingPayment → Paid → PartiallyRefunded → Refunded, or AwaitingPayment → Cancelled.
/// The numeric order is the forward order (Cancelled is a dead end reached only from AwaitingPayment).
/// </summary>
public enum OrderStatus { AwaitingPayment = 0, Paid = 1, PartiallyRefunded = 2, Refunded = 3, Cancelled = 9 }

public enum PaymentMethod { Card, Invoice }

/// <summary>A seat's place in the ledger: Available → Assigned → Consumed (the learner started), or Released (refund, expiry).</summary>
public enum SeatState { Available, Assigned, Consumed, Released }

/// <summary>An order of one portal: one or more lines, amounts in euro cents, VAT per selling institute.</summary>
public sealed class Order : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public BuyerKind BuyerKind { get; set; }
    public required string BuyerUserId { get; set; }
    public Guid? BuyerOrganisationId { get; set; }
    public required string BuyerName { get; set; }
    public OrderStatus Status { get; set; }
    public PaymentMethod PaymentMethod { get; set; }
    public string Currency { get; set; } = "EUR";
    public long NetCents { get; set; }
    public long VatCents { get; set; }
    public long TotalCents { get; set; }
    public long RefundedCents { get; set; }
    public string? StripeSessionId { get; set; }
    public string? StripePaymentIntentId { get; set; }
    /// <summary>Public buyers: bon de commande, then the Chorus Pro fields.</summary>
    public string? PurchaseOrderReference { get; set; }
    public string? BuyerSiret { get; set; }
    public string? ServiceCode { get; set; }
    public string? EngagementNumber { get; set; }
    /// <summary>Sequential per portal and year (F-2026-00001), given when the purchase order is recorded; never reused.</summary>
    public string? InvoiceNumber { get; set; }
    public DateTimeOffset? InvoiceIssuedUtc { get; set; }
    public bool AgreementRequired { get; set; }
    public DateTimeOffset? AgreementSignedUtc { get; set; }
    public string? AgreementSignedBy { get; set; }
    /// <summary>The payment recorded: Stripe's payment, or the operator's reference of a public payment (mandat).</summary>
    public string? PaymentReference { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset? PaidUtc { get; set; }
    public DateTimeOffset? CancelledUtc { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
    public int Revision { get; set; }
}

/// <summary>One module bought: its price for the buyer type, its seller institute and that institute's VAT.</summary>
public sealed class OrderLine
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrderId { get; set; }
    public Guid ModuleId { get; set; }
    public required string ModuleTitle { get; set; }
    public Guid SellerInstituteId { get; set; }
    public required string SellerName { get; set; }
    /// <summary>The portal the seller institute belongs to (the platform for shared modules).</summary>
    public required string SellerTenantId { get; set; }
    public bool VatExempt { get; set; }
    /// <summary>Basis points: 0 (exempt) or 2000 (20 %).</summary>
    public int VatRateBasisPoints { get; set; }
    public long UnitPriceCents { get; set; }
    public int Quantity { get; set; }
    public long NetCents { get; set; }
    public long VatCents { get; set; }
    public int RefundedQuantity { get; set; }
    public long RefundedCents { get; set; }
}

/// <summary>The seats an employer bought on one order line; opened once the order is paid (and its agreement signed when required).</summary>
public sealed class SeatPool : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid OrderId { get; set; }
    public Guid OrderLineId { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid ModuleId { get; set; }
    public required string ModuleTitle { get; set; }
    public int Size { get; set; }
    public DateTimeOffset OpenedUtc { get; set; }
    public DateTimeOffset ExpiresUtc { get; set; }
}

/// <summary>One seat: its current state; the history is in <see cref="SeatMovement"/>.</summary>
public sealed class Seat : ITenantOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string TenantId { get; set; } = "";
    public Guid PoolId { get; set; }
    public int Number { get; set; }
    public SeatState State { get; set; }
    /// <summary>Normalised e-mail of the person the seat is assigned to (null when available or released): unique per pool.</summary>
    public string? AssigneeEmail { get; set; }
    public string? AssigneeUserId { get; set; }
    public DateTimeOffset? AssignedUtc { get; set; }
    public DateTimeOffset? ConsumedUtc { get; set; }
    public DateTimeOffset? ReleasedUtc { get; set; }
}

/// <summary>The seat ledger: every change of a seat's state, who made it and why. Append-only.</summary>
public sealed class SeatMovement : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid SeatId { get; set; }
    public Guid PoolId { get; set; }
    public SeatState From { get; set; }
    public SeatState To { get; set; }
    public string? Email { get; set; }
    public required string Reason { get; set; }
    public string? ByUserId { get; set; }
    public DateTimeOffset AtUtc { get; set; }
}

/// <summary>A Stripe event applied: its id is unique, and the row is written in the transaction of its effect.</summary>
public sealed class StripeEventRecord : ITenantOwned
{
    public required string Id { get; set; }
    public string TenantId { get; set; } = "";
    public required string Type { get; set; }
    public Guid? OrderId { get; set; }
    public DateTimeOffset ReceivedUtc { get; set; }
}

/// <summary>The invoice numbers given, unique per portal, year and number: two invoices never share one.</summary>
public sealed class InvoiceNumberRecord : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public int Year { get; set; }
    public int Number { get; set; }
    public Guid OrderId { get; set; }
}

public sealed class CommerceDbContext(DbContextOptions<CommerceDbContext> options, ShellDatabase database, TenantContext tenant)
    : FormationDbContext<CommerceDbContext>(options, database, tenant)
{
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<SeatPool> Pools => Set<SeatPool>();
    public DbSet<Seat> Seats => Set<Seat>();
    public DbSet<SeatMovement> Movements => Set<SeatMovement>();
    public DbSet<StripeEventRecord> StripeEvents => Set<StripeEventRecord>();
    public DbSet<InvoiceNumberRecord> InvoiceNumbers => Set<InvoiceNumberRecord>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        var order = modelBuilder.Entity<Order>();
        order.ToTable("commerce_order");
        order.Property(o => o.BuyerKind).HasConversion<string>().HasMaxLength(16);
        order.Property(o => o.Status).HasConversion<int>();
        order.Property(o => o.PaymentMethod).HasConversion<string>().HasMaxLength(16);
        order.Property(o => o.BuyerUserId).HasMaxLength(64);
        order.Property(o => o.BuyerName).HasMaxLength(200);
        order.Property(o => o.Currency).HasMaxLength(3);
        order.Property(o => o.StripeSessionId).HasMaxLength(255);
        order.Property(o => o.StripePaymentIntentId).HasMaxLength(255);
        order.Property(o => o.PurchaseOrderReference).HasMaxLength(64);
        order.Property(o => o.BuyerSiret).HasMaxLength(14);
        order.Property(o => o.ServiceCode).HasMaxLength(100);
        order.Property(o => o.EngagementNumber).HasMaxLength(50);
        order.Property(o => o.InvoiceNumber).HasMaxLength(20);
        order.Property(o => o.AgreementSignedBy).HasMaxLength(200);
        order.Property(o => o.PaymentReference).HasMaxLength(100);
        order.Property(o => o.Revision).IsConcurrencyToken();
        order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
        order.HasIndex(o => new { o.TenantId, o.BuyerOrganisationId });
        order.HasIndex(o => o.StripeSessionId);

        var line = modelBuilder.Entity<OrderLine>();
        line.ToTable("commerce_order_line");
        line.Property(l => l.ModuleTitle).HasMaxLength(300);
        line.Property(l => l.SellerName).HasMaxLength(200);
        line.Property(l => l.SellerTenantId).HasMaxLength(64);
        line.HasIndex(l => new { l.SellerTenantId, l.SellerInstituteId });

        var pool = modelBuilder.Entity<SeatPool>();
        pool.ToTable("commerce_seat_pool");
        pool.Property(p => p.ModuleTitle).HasMaxLength(300);
        pool.HasIndex(p => p.OrderLineId).IsUnique();
        pool.HasIndex(p => new { p.TenantId, p.OrganisationId });

        var seat = modelBuilder.Entity<Seat>();
        seat.ToTable("commerce_seat");
        seat.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        seat.Property(s => s.AssigneeEmail).HasMaxLength(256);
        seat.Property(s => s.AssigneeUserId).HasMaxLength(64);
        seat.HasIndex(s => new { s.PoolId, s.Number }).IsUnique();
        // One seat per person and pool; released and available seats carry no e-mail (NULLs never collide).
        seat.HasIndex(s => new { s.PoolId, s.AssigneeEmail }).IsUnique();
        seat.HasIndex(s => new { s.PoolId, s.State });

        var movement = modelBuilder.Entity<SeatMovement>();
        movement.ToTable("commerce_seat_movement");
        movement.Property(m => m.From).HasConversion<string>().HasMaxLength(16);
        movement.Property(m => m.To).HasConversion<string>().HasMaxLength(16);
        movement.Property(m => m.Email).HasMaxLength(256);
        movement.Property(m => m.Reason).HasMaxLength(64);
        movement.Property(m => m.ByUserId).HasMaxLength(64);
        movement.HasIndex(m => m.SeatId);

        var stripeEvent = modelBuilder.Entity<StripeEventRecord>();
        stripeEvent.ToTable("commerce_stripe_event");
        stripeEvent.HasKey(e => e.Id);
        stripeEvent.Property(e => e.Id).HasMaxLength(255);
        stripeEvent.Property(e => e.Type).HasMaxLength(100);

        var invoice = modelBuilder.Entity<InvoiceNumberRecord>();
        invoice.ToTable("commerce_invoice_number");
        invoice.HasIndex(i => new { i.TenantId, i.Year, i.Number }).IsUnique();
        invoice.HasIndex(i => i.OrderId).IsUnique();
    }
}
