using System.Security.Claims;
using Formation.Catalog.Contracts;
using Formation.Commerce.Data;
using Formation.Commerce.Payments;
using Formation.Identity.Organisations;
using Formation.Learning.Contracts;
using Formation.Shell.Data;
using Formation.Shell.Events;
using Formation.Shell.Security;
using Formation.Shell.Tenancy;
using Formation.Shell.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Formation.Commerce;

/// <param name="RequireAgreement">The buyer asks for a training agreement (convention) to be signed before seats open.</param>
public sealed record PlaceOrder(Guid ModuleId, int Quantity, PaymentMethod Method, bool RequireAgreement = false);

public sealed record PurchaseOrderDetails(string? Reference, string? BuyerSiret, string? ServiceCode, string? EngagementNumber);

/// <summary>An order was paid (card webhook or recorded public payment).</summary>
public sealed record OrderPaid(Guid OrderId, long TotalCents) : IDomainEvent;

/// <summary>Orders: placing them at the buyer's price, moving their status forward only, opening what was bought, refunds.</summary>
public sealed class Orders(CommerceDbContext db, ShellDatabase database, ICatalogReader catalog, TenantContext tenant, SellerDirectory sellers,
    SeatLedger seats, IEnrolments enrolments, ILearnerProgress progress, CommercePeople people, DomainEvents events, TimeProvider time, IConfiguration configuration)
{
    public const int MaxSeats = 500;

    public static BuyerKind KindOf(ClaimsPrincipal user) =>
        user.IsInRole(Roles.EmployerManager) ? BuyerKind.Employer : user.IsInRole(Roles.InstitutePublisher) ? BuyerKind.Institute : BuyerKind.Individual;

    /// <summary>The published module when this portal shows it.</summary>
    public async Task<PublishedModule?> VisibleAsync(Guid moduleId, CancellationToken ct)
    {
        var module = await catalog.GetPublishedAsync(moduleId, ct);
        if (module is null) return null;
        var curation = await catalog.GetCurationAsync(tenant.Required.Id, ct);
        return curation.Shows(module, tenant.Required.Id) ? module : null;
    }

    public async Task<Order> PlaceAsync(ClaimsPrincipal buyer, PlaceOrder command, CancellationToken ct)
    {
        var user = await people.UserAsync(buyer) ?? throw new ValidationFailedException("Buyer", "Connectez-vous pour commander.");
        var kind = KindOf(buyer);
        Guid? organisationId = null;
        var buyerName = user.DisplayName;
        if (kind == BuyerKind.Employer)
        {
            var employer = await people.EmployerOfAsync(buyer, ct) ?? throw new ValidationFailedException("Buyer", "Votre compte n'est rattaché à aucun employeur.");
            organisationId = employer.Id;
            buyerName = employer.Name;
        }
        else if (kind == BuyerKind.Institute)
        {
            var institute = await people.InstituteOfAsync(buyer, ct) ?? throw new ValidationFailedException("Buyer", "Votre compte n'est rattaché à aucun organisme de formation.");
            organisationId = institute.Id;
            buyerName = institute.Name;
        }

        var errors = new ValidationErrors();
        var module = await VisibleAsync(command.ModuleId, ct);
        if (module is null) throw new ValidationFailedException("ModuleId", "Ce module n'est pas proposé par ce portail.");
        var quantity = kind == BuyerKind.Employer ? command.Quantity : 1;
        // The price is taken when the order is placed: a tier changed later does not move an order already priced.
        var unit = Pricing.UnitPrice(module.Prices, kind, quantity);
        if (module.IsFree || Pricing.UnitPrice(module.Prices, kind) <= 0) errors.Add("ModuleId", "Ce module n'est pas en vente pour votre profil.");
        if (quantity < 1 || quantity > MaxSeats) errors.Add("Quantity", $"Le nombre de places va de 1 à {MaxSeats}.");
        if (command.Method == PaymentMethod.Invoice && kind == BuyerKind.Individual)
            errors.Add("Method", "Le paiement sur facture est réservé aux employeurs et aux organismes.");
        if (command.Method == PaymentMethod.Card && !isCardAvailable)
            errors.Add("Method", "Le paiement par carte n'est pas disponible sur ce portail : choisissez le paiement sur facture.");
        errors.ThrowIfAny();
        var seller = await sellers.FindAsync(module.OwnerTenantId, module.PublisherId, ct)
            ?? throw new ValidationFailedException("ModuleId", "L'organisme qui vend ce module est introuvable : il ne peut pas être commandé.");

        var rate = Pricing.VatRate(seller.VatExempt);
        var line = new OrderLine
        {
            ModuleId = module.Id, ModuleTitle = module.Title, SellerInstituteId = seller.Id, SellerName = seller.Name, SellerTenantId = seller.TenantId,
            VatExempt = seller.VatExempt, VatRateBasisPoints = rate, UnitPriceCents = unit, Quantity = quantity,
            NetCents = unit * quantity, VatCents = Pricing.Vat(unit, rate) * quantity,
        };
        var order = new Order
        {
            BuyerKind = kind, BuyerUserId = user.Id, BuyerOrganisationId = organisationId, BuyerName = buyerName,
            Status = OrderStatus.AwaitingPayment, PaymentMethod = command.Method, CreatedUtc = time.GetUtcNow(),
            AgreementRequired = command.Method == PaymentMethod.Invoice && (command.RequireAgreement || configuration.GetValue<bool>("Commerce:AgreementRequired")),
            NetCents = line.NetCents, VatCents = line.VatCents, TotalCents = line.NetCents + line.VatCents,
            Lines = [line],
        };
        db.Orders.Add(order);
        await db.SaveChangesAsync(ct);
        return order;
    }

    private bool isCardAvailable => StripeSettings.From(configuration).IsConfigured;

    public Task<Order?> FindAsync(Guid id, CancellationToken ct) => db.Orders.Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct);

    /// <summary>The order when <paramref name="user"/> bought it (or manages the buying employer/institute), else null.</summary>
    public async Task<Order?> FindForBuyerAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var order = await FindAsync(id, ct);
        if (order is null) return null;
        var userId = people.UserId(user);
        if (order.BuyerUserId == userId) return order;
        if (order.BuyerOrganisationId is { } org)
        {
            var mine = order.BuyerKind == BuyerKind.Employer ? (await people.EmployerOfAsync(user, ct))?.Id : (await people.InstituteOfAsync(user, ct))?.Id;
            if (mine == org) return order;
        }
        return null;
    }

    public Task<List<Order>> ForBuyerAsync(string userId, Guid? organisationId, CancellationToken ct) =>
        db.Orders.AsNoTracking().Include(o => o.Lines)
            .Where(o => o.BuyerUserId == userId || (organisationId != null && o.BuyerOrganisationId == organisationId))
            .OrderByDescending(o => o.CreatedUtc).ToListAsync(ct);

    public Task<List<Order>> AllAsync(CancellationToken ct) =>
        db.Orders.AsNoTracking().Include(o => o.Lines).OrderByDescending(o => o.CreatedUtc).Take(500).ToListAsync(ct);

    /// <summary>Public buyers: the purchase order's reference and the Chorus Pro fields; the invoice gets the next number of the portal's year.</summary>
    public async Task<Order> RecordPurchaseOrderAsync(Order order, PurchaseOrderDetails details, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var reference = details.Reference?.Trim() ?? "";
        var siret = Siret.Normalize(details.BuyerSiret);
        if (order.PaymentMethod != PaymentMethod.Invoice) errors.Add("Reference", "Cette commande se règle par carte.");
        if (order.Status != OrderStatus.AwaitingPayment) errors.Add("Reference", "Cette commande n'attend plus de bon de commande.");
        if (order.InvoiceNumber is not null) errors.Add("Reference", $"La facture {order.InvoiceNumber} est déjà émise.");
        if (reference.Length is 0 or > 64) errors.Add("Reference", "Indiquez la référence du bon de commande (64 caractères au plus).");
        if (!Siret.IsValid(siret)) errors.Add("BuyerSiret", "Le SIRET de l'acheteur doit compter 14 chiffres et sa clé de contrôle (Luhn) doit être juste.");
        if ((details.ServiceCode?.Trim().Length ?? 0) > 100) errors.Add("ServiceCode", "Le code service compte 100 caractères au plus.");
        if ((details.EngagementNumber?.Trim().Length ?? 0) > 50) errors.Add("EngagementNumber", "Le numéro d'engagement compte 50 caractères au plus.");
        errors.ThrowIfAny();

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await database.InTransactionAsync(async () =>
                {
                    var now = time.GetUtcNow();
                    var year = now.Year;
                    var last = await db.InvoiceNumbers.Where(i => i.Year == year).MaxAsync(i => (int?)i.Number, ct) ?? 0;
                    db.InvoiceNumbers.Add(new InvoiceNumberRecord { Year = year, Number = last + 1, OrderId = order.Id });
                    order.PurchaseOrderReference = reference;
                    order.BuyerSiret = siret;
                    order.ServiceCode = string.IsNullOrWhiteSpace(details.ServiceCode) ? null : details.ServiceCode.Trim();
                    order.EngagementNumber = string.IsNullOrWhiteSpace(details.EngagementNumber) ? null : details.EngagementNumber.Trim();
                    order.InvoiceNumber = $"F-{year}-{last + 1:D5}";
                    order.InvoiceIssuedUtc = now;
                    order.Revision++;
                    await db.SaveChangesAsync(ct);
                }, ct);
                return order;
            }
            catch (DbUpdateException) when (attempt < 5 && database.Transaction is null)
            {
                // Another invoice took this number meanwhile: reload and take the next one.
                db.ChangeTracker.Clear();
                order = (await FindAsync(order.Id, ct))!;
                if (order.InvoiceNumber is not null) return order;
            }
        }
    }

    public async Task AttachSessionAsync(Order order, string sessionId, CancellationToken ct)
    {
        if (order.StripeSessionId == sessionId) return;
        order.StripeSessionId = sessionId;
        order.Revision++;
        await db.SaveChangesAsync(ct);
    }

    public async Task SignAgreementAsync(Order order, string signerName, CancellationToken ct)
    {
        if (!order.AgreementRequired) throw new ValidationFailedException("Agreement", "Cette commande ne demande pas de convention.");
        if (string.IsNullOrWhiteSpace(signerName) || signerName.Length > 200) throw new ValidationFailedException("SignerName", "Indiquez le nom de la personne qui signe la convention.");
        if (order.AgreementSignedUtc is not null) return;
        await database.InTransactionAsync(async () =>
        {
            order.AgreementSignedUtc = time.GetUtcNow();
            order.AgreementSignedBy = signerName.Trim();
            order.Revision++;
            await db.SaveChangesAsync(ct);
            await OpenIfReadyAsync(order, ct);
        }, ct);
    }

    /// <summary>An operator records the payment of an invoice (public accounting, mandat administratif).</summary>
    public async Task RecordPublicPaymentAsync(Order order, string? reference, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (order.PaymentMethod != PaymentMethod.Invoice || order.InvoiceNumber is null) errors.Add("PaymentReference", "Seule une facture émise peut être marquée payée.");
        if (order.Status != OrderStatus.AwaitingPayment) errors.Add("PaymentReference", "Cette commande n'attend plus de paiement.");
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > 100) errors.Add("PaymentReference", "Indiquez la référence du paiement (mandat, virement), 100 caractères au plus.");
        errors.ThrowIfAny();
        await database.InTransactionAsync(() => MarkPaidAsync(order, reference!.Trim(), null, ct), ct);
    }

    /// <summary>Moves an order forward to Paid (no effect when it is already paid or further): call inside a transaction.</summary>
    public async Task<bool> MarkPaidAsync(Order order, string paymentReference, string? paymentIntentId, CancellationToken ct)
    {
        if (order.Status != OrderStatus.AwaitingPayment) return false;
        order.Status = OrderStatus.Paid;
        order.PaidUtc = time.GetUtcNow();
        order.PaymentReference = paymentReference;
        order.StripePaymentIntentId ??= paymentIntentId;
        order.Revision++;
        await db.SaveChangesAsync(ct);
        await events.RaiseAsync(new OrderPaid(order.Id, order.TotalCents), ct);
        await OpenIfReadyAsync(order, ct);
        return true;
    }

    /// <summary>Cancels an order still awaiting payment (expired checkout, failed SEPA debit). No effect otherwise.</summary>
    public async Task<bool> CancelAsync(Order order, CancellationToken ct)
    {
        if (order.Status != OrderStatus.AwaitingPayment) return false;
        order.Status = OrderStatus.Cancelled;
        order.CancelledUtc = time.GetUtcNow();
        order.Revision++;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Opens what was bought once paid and, when asked, once the agreement is signed: seats for employers, the enrolment for individuals.</summary>
    private async Task OpenIfReadyAsync(Order order, CancellationToken ct)
    {
        if (order.Status != OrderStatus.Paid) return;
        if (order.AgreementRequired && order.AgreementSignedUtc is null) return;
        foreach (var line in order.Lines)
        {
            if (order.BuyerKind == BuyerKind.Employer) await seats.OpenPoolAsync(order, line, ct);
            else if (order.BuyerKind == BuyerKind.Individual) await enrolments.OpenAsync(order.BuyerUserId, line.ModuleId, EnrolmentSources.Commerce, order.Id.ToString(), ct);
        }
    }

    /// <summary>
    /// Refunds <paramref name="quantity"/> units of a line (all remaining ones for a full refund). Only unconsumed seats can be
    /// refunded, and exactly that many are released. Card orders are refunded through Stripe first (idempotent), then recorded.
    /// </summary>
    public async Task RefundAsync(Guid orderId, Guid lineId, int? quantity, string? byUserId, StripeGateway stripe, CancellationToken ct)
    {
        var order = await FindAsync(orderId, ct) ?? throw new ValidationFailedException("OrderId", "Commande introuvable.");
        var line = order.Lines.FirstOrDefault(l => l.Id == lineId) ?? throw new ValidationFailedException("LineId", "Ligne de commande introuvable.");
        if (order.Status is not (OrderStatus.Paid or OrderStatus.PartiallyRefunded)) throw new ValidationFailedException("Quantity", "Seule une commande payée peut être remboursée.");
        var refundable = await RefundableAsync(order, line, ct);
        var count = quantity ?? refundable;
        if (count < 1 || count > refundable)
            throw new ValidationFailedException("Quantity", refundable == 0 ? "Plus rien n'est remboursable sur cette ligne : les places restantes sont consommées." : $"Vous pouvez rembourser de 1 à {refundable} place(s) non consommée(s).");
        var amount = count * (line.UnitPriceCents + Pricing.Vat(line.UnitPriceCents, line.VatRateBasisPoints));
        string reference;
        if (order.PaymentMethod == PaymentMethod.Card)
        {
            if (order.StripePaymentIntentId is null) throw new ValidationFailedException("Quantity", "Le paiement Stripe de cette commande est inconnu.");
            var refund = await stripe.RefundAsync(order.StripePaymentIntentId, amount, $"formation-refund-{line.Id:N}-{line.RefundedQuantity}-{count}", ct);
            reference = refund.Id;
        }
        else reference = "avoir";

        await database.InTransactionAsync(async () =>
        {
            if (order.BuyerKind == BuyerKind.Employer)
            {
                var released = await seats.ReleaseAsync(line.Id, count, "refunded", byUserId, ct);
                if (released != count) throw new ValidationFailedException("Quantity", "Des places ont été consommées entre-temps : recommencez.");
            }
            line.RefundedQuantity += count;
            line.RefundedCents += amount;
            // An individual's purchase fully refunded: the enrolment it opened closes (a started one is never refundable).
            if (order.BuyerKind == BuyerKind.Individual && line.RefundedQuantity >= line.Quantity)
                await enrolments.CloseAsync(order.BuyerUserId, line.ModuleId, EnrolmentSources.Commerce, order.Id.ToString(), EnrolmentCloseReasons.Refund, ct);
            order.RefundedCents += amount;
            order.Status = order.RefundedCents >= order.TotalCents ? OrderStatus.Refunded : OrderStatus.PartiallyRefunded;
            order.Revision++;
            await db.SaveChangesAsync(ct);
        }, ct);
        _ = reference;
    }

    public async Task<int> RefundableAsync(Order order, OrderLine line, CancellationToken ct)
    {
        var remaining = line.Quantity - line.RefundedQuantity;
        if (remaining <= 0) return 0;
        if (order.BuyerKind == BuyerKind.Employer)
        {
            var pool = await db.Pools.AsNoTracking().AnyAsync(p => p.OrderLineId == line.Id, ct);
            return pool ? Math.Min(remaining, await seats.UnconsumedAsync(line.Id, ct)) : remaining;
        }
        if (order.BuyerKind == BuyerKind.Individual)
        {
            var started = (await progress.ForUsersAsync([order.BuyerUserId], ct)).Any(p => p.ModuleId == line.ModuleId && p.StartedUtc is not null);
            return started ? 0 : remaining;
        }
        return remaining;
    }

    public static string StatusLabel(OrderStatus status) => status switch
    {
        OrderStatus.AwaitingPayment => "En attente de paiement",
        OrderStatus.Paid => "Payée",
        OrderStatus.PartiallyRefunded => "Partiellement remboursée",
        OrderStatus.Refunded => "Remboursée",
        OrderStatus.Cancelled => "Annulée",
        _ => status.ToString(),
    };

    public static string StatusBadge(OrderStatus status) => status switch
    {
        OrderStatus.Paid => "fr-badge--success",
        OrderStatus.AwaitingPayment => "fr-badge--new",
        OrderStatus.Cancelled => "fr-badge--error",
        _ => "fr-badge--info",
    };

    public static string KindLabel(BuyerKind kind) => kind switch
    {
        BuyerKind.Individual => "Particulier",
        BuyerKind.Employer => "Employeur (places)",
        _ => "Organisme (licence de réutilisation)",
    };
}
