import TextTable

// MARK: - Terminal table

extension QuotaReport {
    /// The report as a terminal table (columns aligned for Chinese text), followed by the county
    /// completion targets, the unit rooms, the holdings rules and any warnings.
    ///
    /// ```
    /// Digitization quotas 数字化指标 — as of 2018-06-30
    /// ID   名称 Name    级别 Level  基数 Baseline  已数字化 Done  完成率 %  目标 Target  差额 Gap  状态 Status  …
    /// C01  某市档案馆   city              10,000          6,400    64.00%       70.00%       600  on track     …
    /// ```
    public func terminalTable() -> String {
        var out: [String] = [
            "Digitization quotas 数字化指标 — as of \(asOf)"
                + (registerSource.map { " (register 馆藏登记: \($0))" } ?? "")
        ]
        out.append(
            "Counts in 卷+件 (volumes + items); 卷, 件, pages and GB beside. Rate: 卷+件 per week over the last \(rules.recentWeeks) weeks."
        )
        out.append("")

        var table = TextTable(
            [
                "ID", "名称 Name", "级别 Level", "基数 Baseline", "已数字化 Done", "完成率 %", "目标 Target",
                "差额 Gap", "状态 Status", "周速率 Rate/wk", "预计 Projected", "卷 Vol.", "件 Items", "页 Pages", "GB",
            ],
            alignments: [
                .left, .left, .left, .right, .right, .right, .right, .right, .left, .right, .left,
                .right, .right, .right, .right,
            ])
        table.maxCell = nil  // names are shown whole
        table.ruleUnderHeader = true
        for progress in archives {
            let goal = progress.goal
            table.add([
                progress.id, progress.archive.name, progress.archive.level.rawValue,
                QuotaNumberFormat.grouped(progress.baseline), QuotaNumberFormat.grouped(progress.digitized.total),
                QuotaNumberFormat.percent(progress.percent),
                goal.map { QuotaNumberFormat.percent($0.target.percent) } ?? "—",
                goal.map { QuotaNumberFormat.grouped($0.gap) } ?? "—",
                progress.status.description,
                QuotaNumberFormat.fixed(progress.recentRate, decimals: 2),
                goal.map { $0.projected.description } ?? "—",
                QuotaNumberFormat.grouped(progress.digitized.volumes), QuotaNumberFormat.grouped(progress.digitized.items),
                QuotaNumberFormat.grouped(progress.digitized.pages),
                QuotaNumberFormat.fixed(progress.digitized.gigabytes, decimals: 3),
            ])
        }
        table.rule()
        table.add([
            "合计", "Total (\(total.archives) archives)", "", QuotaNumberFormat.grouped(total.baseline),
            QuotaNumberFormat.grouped(total.digitized.total), QuotaNumberFormat.percent(total.percent),
            QuotaNumberFormat.percent(total.targetPercent), QuotaNumberFormat.grouped(total.gap),
            total.status.description, QuotaNumberFormat.fixed(total.recentRate, decimals: 2), total.projected.description,
            QuotaNumberFormat.grouped(total.digitized.volumes), QuotaNumberFormat.grouped(total.digitized.items),
            QuotaNumberFormat.grouped(total.digitized.pages), QuotaNumberFormat.fixed(total.digitized.gigabytes, decimals: 3),
        ])
        out.append(table.render(indent: ""))

        let completions = archives.filter { $0.completion != nil }
        if !completions.isEmpty, let rule = rules.countyCompletion {
            out.append("")
            out.append("County digital archives 县级数字档案馆 — \(QuotaNumberFormat.percent(rule.percent)) by \(rule.deadline):")
            for progress in completions {
                guard let goal = progress.completion else { continue }
                out.append(
                    "  \(progress.id) \(progress.archive.name): gap \(QuotaNumberFormat.grouped(goal.gap)), "
                        + "projected \(goal.projected), \(goal.status)")
            }
        }

        out.append("")
        out.append("Unit digital archive rooms 立档单位数字档案室 (due \(rules.unitRoomDeadline)):")
        for (label, rooms) in [("City units 市直单位", units.city), ("County units 县区单位", units.county)] {
            var line =
                "  \(label): \(rooms.withRoom) of \(rooms.count) have a room (\(QuotaNumberFormat.percent(rooms.percent))), "
                + "target \(QuotaNumberFormat.percent(rooms.targetPercent))"
            line +=
                rooms.met ? " — met" : " — \(rooms.gap) more needed; without a room: \(rooms.withoutRoom.joined(separator: ", "))"
            out.append(line)
        }
        if !units.unassigned.isEmpty {
            out.append("  Units with no parent archive (counted in neither): \(units.unassigned.joined(separator: ", "))")
        }

        let holdings = archives.filter { $0.holdings != nil }
        if !holdings.isEmpty {
            out.append("")
            out.append(
                "Holdings 馆藏 (double against 2010 ×\(QuotaNumberFormat.decimal(rules.holdingsGrowth, decimals: 2)); "
                    + "livelihood 民生 ≥ \(QuotaNumberFormat.percent(rules.livelihoodShare * 100))):")
            for progress in holdings {
                guard let h = progress.holdings else { continue }
                let growth = h.growth.map { "×" + QuotaNumberFormat.decimal($0, decimals: 2) } ?? "—"
                let growthState = h.growthMet.map { $0 ? "met" : "not met" } ?? "unknown"
                let livelihoodState = h.livelihoodMet.map { $0 ? "met" : "not met" } ?? "unknown"
                out.append(
                    "  \(progress.id) \(progress.archive.name): current \(h.current.map(QuotaNumberFormat.grouped) ?? "—") "
                        + "(\(growth), \(growthState)); livelihood \(QuotaNumberFormat.percent(h.livelihoodPercent)) (\(livelihoodState))"
                )
            }
        }

        var warnings: [String] = []
        for stray in unregistered {
            warnings.append(
                "\(stray.events) verified record(s) name archive '\(stray.id)', which is not in the register: not counted")
        }
        if unverifiedEvents > 0 {
            warnings.append("\(unverifiedEvents) packaged record(s) failed verification: not counted")
        }
        if laterEvents > 0 {
            warnings.append("\(laterEvents) record(s) verified after \(asOf): not counted")
        }
        if !warnings.isEmpty {
            out.append("")
            out.append(contentsOf: warnings.map { "note: " + $0 })
        }
        return out.joined(separator: "\n") + "\n"
    }
}
